import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Every failing field at once: `{message, errors: {field: [problems]}}`. */
export function fieldErrors(errors: ValidationError[]): Record<string, string[]> {
  return Object.fromEntries(
    errors.map((error) => [
      error.property,
      Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }),
    ]),
  );
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Nest's own error text for unknown fields names the field; keep it.
    exceptionFactory: (errors) => validationFailed(fieldErrors(errors)),
  });
}

/** The 400 of a failed validation, also for rules checked after the pipe (in a service). */
export function validationFailed(errors: Record<string, string[]>): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'Validation failed',
    errors,
  });
}
