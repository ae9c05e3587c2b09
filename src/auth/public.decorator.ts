import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'dialtone:isPublic';

/** Opts a route out of the global deny-by-default guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
