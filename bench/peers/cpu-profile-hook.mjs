// Preloaded into the profiled server (node --import): the first SIGUSR2 starts V8's CPU profiler,
// the second stops it and writes the profile to BENCH_CPU_PROFILE, so that the profile covers the
// measured window only (node --cpu-prof would cover start-up, and is lost on a signal exit).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
let running = false;
process.on('SIGUSR2', async () => {
  if (!running) {
    running = true;
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return;
  }
  running = false;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
  console.log('cpu profile written');
});
