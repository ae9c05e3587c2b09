import { CALL_LIMITS_ENV, describeCallLimits } from './support/call-limits-flow.js';
import { startAppOnPostgres } from './support/postgres.js';

describeCallLimits('call_start limits and bounded history on PostgreSQL', () =>
  startAppOnPostgres(CALL_LIMITS_ENV),
);
