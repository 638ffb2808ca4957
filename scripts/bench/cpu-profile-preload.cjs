// Preloaded into each service by `pipeline.mjs --profile` (NODE_OPTIONS=--require, since Node 20
// refuses --cpu-prof there): samples the CPU with the inspector and writes
// CPU.<time>.<pid>.0.0.cpuprofile into BARPLANE_CPU_PROFILE_DIR when the process exits, or
// when SIGTERM arrives (a process that a signal ends never sees 'exit'); SIGUSR2 starts it over.
const inspector = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BARPLANE_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // Same-thread inspector sessions answer synchronously, so this works inside 'exit'.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `CPU.${Date.now()}.${process.pid}.0.0.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // SIGUSR2 starts the profile over: the bench sends it once the setup is done, so that start-up
  // and setup do not crowd out what it measures.
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', () => session.post('Profiler.start'));
  });
  process.on('exit', write);
  process.prependListener('SIGTERM', () => {
    write();
    // Nobody else handles the signal (or its handler re-raised it): end as the signal would.
    if (process.listenerCount('SIGTERM') === 1) process.exit(143);
  });
}
