// Makes sure a system Chromium is there for the browser tests (test/browser). Never downloads
// a browser build: Debian's `chromium` package, installed with apt-get when running as root.
// Exits 0 when /usr/bin/chromium exists (or was installed), 1 with instructions otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.BARPLANE_CHROMIUM ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-chromium: ${CHROMIUM} is missing. Install it as root, then run the tests again:
  sudo apt-get update && sudo apt-get install -y chromium`);
  process.exit(1);
}

const run = (args) =>
  spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package`);
for (const args of [['update'], ['install', '-y', 'chromium']]) {
  const r = run(args);
  if (r.error || r.status !== 0) {
    console.error(`ensure-chromium: apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}
if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
console.log(`ensure-chromium: installed ${CHROMIUM}`);
