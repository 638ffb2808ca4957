// The host side of the lab: QEMU for every guest architecture, cross compilers for the probe,
// cpio for the initramfs. Debian packages, installed with apt-get when running as root (as
// scripts/ensure-chromium.mjs does); otherwise the missing ones are named and the lab stops.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each tool the lab runs, and the Debian packages that bring it, by guest architecture. */
const BY_ARCH = {
  ppc64el: [
    { path: '/usr/bin/qemu-system-ppc64', packages: ['qemu-system-ppc'] },
    { path: '/usr/bin/powerpc64le-linux-gnu-gcc', packages: ['gcc-powerpc64le-linux-gnu'] },
    { path: '/usr/powerpc64le-linux-gnu/lib/libc.a', packages: ['libc6-dev-ppc64el-cross'] },
  ],
  arm64: [
    { path: '/usr/bin/qemu-system-aarch64', packages: ['qemu-system-arm'] },
    { path: '/usr/bin/aarch64-linux-gnu-gcc', packages: ['gcc-aarch64-linux-gnu'] },
    { path: '/usr/aarch64-linux-gnu/lib/libc.a', packages: ['libc6-dev-arm64-cross'] },
  ],
  amd64: [
    // The x86 guests also run this machine's own QEMU inside (qemu-side.mjs) with SeaBIOS.
    { path: '/usr/bin/qemu-system-x86_64', packages: ['qemu-system-x86'] },
    { path: '/usr/share/seabios/bios-256k.bin', packages: ['seabios'] },
    { path: '/usr/bin/gcc', packages: ['gcc'] },
    { path: '/usr/lib/x86_64-linux-gnu/libc.a', packages: ['libc6-dev'] },
  ],
};
const COMMON = [
  { path: '/usr/bin/cpio', packages: ['cpio'] },
  { path: '/usr/bin/xz', packages: ['xz-utils'] },
  { path: '/usr/bin/dpkg-deb', packages: ['dpkg'] },
  { path: '/usr/share/keyrings/debian-archive-keyring.gpg', packages: ['debian-archive-keyring'] },
];

/**
 * Installs what the guests of `archs` need and is missing; throws with the apt-get line to run
 * when that is not possible.
 */
export function ensureHostTools(archs, log = console.log) {
  const tools = [...COMMON, ...archs.flatMap((a) => BY_ARCH[a] ?? [])];
  const missing = [...new Set(tools.filter((t) => !existsSync(t.path)).flatMap((t) => t.packages))];
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `missing Debian packages; install them as root, then run again:\n  sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`conformance: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.error || r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  const still = tools.filter((t) => !existsSync(t.path)).map((t) => t.path);
  if (still.length > 0) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
}
