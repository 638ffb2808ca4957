import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../cli/run-cli';
import { newcInitramfs } from './newc-initramfs';

/** The line the guest prints once it has enabled every PCI device. */
export const GUEST_READY = 'BARPLANE-GUEST-ENABLED';

// Enabling a device (pci_enable_device) turns its memory decoding on, so QEMU maps every BAR
// where the kernel left it; no driver is needed for that.
const INIT = `#!/bin/busybox sh
/bin/busybox mount -t sysfs sysfs /sys
for d in /sys/bus/pci/devices/*; do echo 1 > "$d/enable"; done
echo ${GUEST_READY}
exec /bin/busybox sleep 1000000
`;

/**
 * Debian's ppc64el 6.12 kernel with 64K pages and busybox-static, fetched (once, into
 * .cache/conformance) by the conformance lab's own Debian archive code, and a tiny initramfs
 * whose /init enables every PCI device. Returns the kernel and initrd paths.
 */
export function pseriesGuest(): { kernel: string; initrd: string; release: string } {
  const script = `
    import { ensureKernel } from './scripts/conformance/kernels.mjs';
    import { ensureBusybox } from './scripts/conformance/guest-tools.mjs';
    const log = (m) => console.error(m);
    const k = ensureKernel('ppc64el-6.12-64k', log);
    const b = ensureBusybox('ppc64el', log);
    console.log(JSON.stringify({ kernel: k.image, release: k.release, busybox: b.path }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  const got = JSON.parse(out.trim().split('\n').pop()!) as { kernel: string; release: string; busybox: string };
  const dir = join(repoRoot, '.cache', 'qmp-guest');
  mkdirSync(dir, { recursive: true });
  const initrd = join(dir, 'pseries-enable-initrd.gz');
  writeFileSync(
    initrd,
    newcInitramfs([
      { path: 'bin', mode: 0o755 },
      { path: 'sys', mode: 0o755 },
      { path: 'dev', mode: 0o755 },
      { path: 'bin/busybox', mode: 0o755, data: readFileSync(got.busybox) },
      { path: 'init', mode: 0o755, data: Buffer.from(INIT) },
    ]),
  );
  return { kernel: got.kernel, initrd, release: got.release };
}
