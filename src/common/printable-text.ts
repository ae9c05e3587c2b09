import { Matches } from 'class-validator';

/**
 * Text without control characters (Cc: NUL, line breaks, escapes), format characters (Cf: bidi
 * overrides that reverse how a name reads, zero-width joiners and spaces), lone surrogates (Cs)
 * or line/paragraph separators. PostgreSQL refuses NUL outright (it was a 500), and the others let
 * a name look like something it is not.
 */
export const PRINTABLE_TEXT = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;

/** class-validator rule for PRINTABLE_TEXT, with a message that names the field. */
export function IsPrintableText(field: string): PropertyDecorator {
  return Matches(PRINTABLE_TEXT, {
    message: `${field} must not contain control or formatting characters (such as NUL, line breaks or text-direction overrides)`,
  });
}
