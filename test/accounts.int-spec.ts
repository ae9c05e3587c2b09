import { describeAccountFlow } from './support/account-flow.js';
import { startAppOnPostgres } from './support/postgres.js';

describeAccountFlow('core account flow on PostgreSQL', () => startAppOnPostgres());
