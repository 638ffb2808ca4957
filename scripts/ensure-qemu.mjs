// Makes sure Debian's QEMU is there for the tests that start real VMs (test/qemu, the qmp e2e
// tests): qemu-system-x86 (q35 with SeaBIOS) and qemu-system-ppc (pseries with SLOF), installed
// with apt-get when running as root, as scripts/ensure-chromium.mjs does; never a download of
// its own. Exits 0 when they are there (or were installed), 1 with instructions otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { path: '/usr/bin/qemu-system-x86_64', packages: ['qemu-system-x86'] },
  { path: '/usr/share/seabios/bios-256k.bin', packages: ['seabios'] },
  { path: '/usr/bin/qemu-system-ppc64', packages: ['qemu-system-ppc'] },
  // SLOF, pseries' firmware, comes in qemu-system-data, a dependency of qemu-system-ppc.
  { path: '/usr/share/qemu/slof.bin', packages: ['qemu-system-data'] },
];

const missing = [...new Set(NEEDED.filter((n) => !existsSync(n.path)).flatMap((n) => n.packages))];
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-qemu: missing ${missing.join(', ')}. Install them as root, then run the tests again:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`ensure-qemu: installing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-q'],
  ['install', '-y', '-q', '--no-install-recommends', ...missing],
]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.error || r.status !== 0) {
    console.error(`ensure-qemu: apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}
const still = NEEDED.filter((n) => !existsSync(n.path)).map((n) => n.path);
if (still.length > 0) {
  console.error(`ensure-qemu: apt-get finished but these are still missing: ${still.join(', ')}`);
  process.exit(1);
}
console.log('ensure-qemu: installed');
