// Mutation testing (`npm run test:mutation`, run by .ci/run): how many deliberate faults in the
// call rules and the frame parsers the unit tests notice. Jest runs in native-ESM mode here as
// everywhere (--experimental-vm-modules) on one flat project, jest.mutation.config.mjs.
// Incremental: reports/stryker-incremental.json is committed, so a run re-tests only the mutants
// whose code or tests changed since; delete it (or pass --force) to re-test everything.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.mutation.config.mjs', enableFindRelatedTests: false },
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  mutate: [
    'src/signaling/call-machine.ts',
    'src/signaling/call-start-limiter.ts',
    'src/signaling/push-ringing.ts',
    'src/signaling/session-cap.ts',
    // Only the call_start refusal reply; the sentences above it are prose, not rules.
    'src/signaling/sentences.ts:38-56',
    'src/signaling/dto/parse-client-message.ts',
    'src/signaling/dto/parse-ice-candidate.ts',
    'src/signaling/resume/parse-control-request.ts',
  ],
  coverageAnalysis: 'perTest',
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  // A mutant whose tests take longer than this is counted as detected (an endless loop); generous,
  // so that a busy machine does not pass survivors off as timeouts.
  timeoutMS: 15_000,
  reporters: ['clear-text', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
};
