import { describeContactsFlow, FLOW_COOLING_OFF_S } from './support/contacts-flow.js';
import { startAppOnPostgres } from './support/postgres.js';

describeContactsFlow('contacts and privacy on PostgreSQL', () =>
  startAppOnPostgres({ USERNAME_COOLING_OFF: String(FLOW_COOLING_OFF_S) }),
);
