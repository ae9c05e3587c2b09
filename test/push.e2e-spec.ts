import { describePushFlow } from './support/push-flow.js';
import { startTestApp } from './support/test-app.js';

describePushFlow('Web Push on SQLite', startTestApp);
