import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { IsPrintableText } from '../../common/printable-text.js';

/** How people see an account: trimmed, at most 64 printable characters (any script, emoji too). */
export function IsDisplayName(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString({ message: 'displayName must be a string' }),
    MaxLength(64, { message: 'displayName must be at most 64 characters' }),
    IsPrintableText('displayName'),
  );
}
