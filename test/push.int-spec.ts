import { startAppOnPostgres } from './support/postgres.js';
import { describePushFlow } from './support/push-flow.js';

describePushFlow('Web Push on PostgreSQL', startAppOnPostgres);
