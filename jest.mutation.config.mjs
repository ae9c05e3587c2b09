// The specs StrykerJS runs against each mutant (stryker.config.mjs): one flat project, since
// Stryker's Jest runner cannot select a project, with the unit project's transform and timeout.
// Every file listed here must kill the mutants of the files `mutate` names.
import { project } from './jest.config.mjs';

export default project(
  'mutation',
  ['<rootDir>/src'],
  [
    '**/src/signaling/call-machine.spec.ts',
    '**/src/signaling/call-start-limiter.spec.ts',
    '**/src/signaling/push-ringing.spec.ts',
    '**/src/signaling/session-cap.spec.ts',
    '**/src/signaling/dto/parse-client-message.spec.ts',
    '**/src/signaling/resume/parse-control-request.spec.ts',
  ],
  10_000,
);
