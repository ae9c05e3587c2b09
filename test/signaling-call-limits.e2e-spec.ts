import { CALL_LIMITS_ENV, describeCallLimits } from './support/call-limits-flow.js';
import { startTestApp } from './support/test-app.js';

describeCallLimits('call_start limits and bounded history on SQLite', () =>
  startTestApp(CALL_LIMITS_ENV),
);
