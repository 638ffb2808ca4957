// What goes into every guest besides the kernel: Debian's busybox-static of the guest's
// architecture, and the lab's own probe (guest/vfio-probe.c) built static for it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLists, fetchAndUnpack, showPackage } from './debian-archive.mjs';
import { GUEST_DIR, LAB_CACHE } from './paths.mjs';

const COMPILERS = { ppc64el: 'powerpc64le-linux-gnu-gcc', arm64: 'aarch64-linux-gnu-gcc', amd64: 'gcc' };

/** busybox (static) of `arch`, from bookworm. */
export function ensureBusybox(arch, log = console.log) {
  ensureLists(arch, log);
  const pkg = showPackage(arch, 'busybox-static', 'bookworm');
  const dir = fetchAndUnpack(arch, pkg.package, pkg.version, log);
  return { path: join(dir, 'bin', 'busybox'), version: pkg.version };
}

/** guest/vfio-probe.c built static for `arch`; rebuilt when the source is newer than the binary. */
export function ensureProbe(arch, log = console.log) {
  const source = join(GUEST_DIR, 'vfio-probe.c');
  const outDir = join(LAB_CACHE, 'probe', arch);
  const out = join(outDir, 'vfio-probe');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) return out;
  mkdirSync(outDir, { recursive: true });
  log(`conformance: building vfio-probe for ${arch}`);
  execFileSync(COMPILERS[arch], ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-o', out, source], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}
