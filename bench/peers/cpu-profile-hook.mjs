// Preloaded into the profiled server (node --import): the first SIGUSR2 starts V8's CPU profiler,
// the second stops it and writes the profile to BENCH_CPU_PROFILE_DIR/<pid>.cpuprofile (one file
// per process, as two instances are profiled at once in Redis mode), so that the profile covers
// the measured window only (node --cpu-prof would cover start-up, and is lost on a signal exit).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

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
  const file = join(process.env.BENCH_CPU_PROFILE_DIR, `${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log('cpu profile written');
});
