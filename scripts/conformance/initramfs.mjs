// The guest's initramfs: busybox, the probe, the vfio modules in load order, guest/init.sh as
// /init and /etc/lab.conf with the case's settings; packed with cpio (newc) and gzip.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GUEST_DIR } from './paths.mjs';

/**
 * Builds `<dir>/initrd.gz` from a staging tree in `<dir>/root`.
 * `files` are extra { from, to } copies (guest paths, absolute), `conf` the shell variables of /etc/lab.conf.
 */
export function buildInitramfs(dir, { busybox, probe, modules, conf = {}, files = [] }) {
  const root = join(dir, 'root');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'mod', 'etc', 'proc', 'sys', 'dev', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(busybox, join(root, 'bin', 'busybox'));
  copyFileSync(probe, join(root, 'bin', 'vfio-probe'));
  copyFileSync(join(GUEST_DIR, 'init.sh'), join(root, 'init'));
  for (const f of ['bin/busybox', 'bin/vfio-probe', 'init']) chmodSync(join(root, f), 0o755);
  for (const m of modules) copyFileSync(m.file, join(root, 'mod', `${m.name}.ko`));
  for (const f of files) {
    const to = join(root, f.to);
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(f.from, to);
    if (f.mode) chmodSync(to, f.mode);
  }
  const vars = { MODULES: modules.map((m) => m.name).join(' '), ...conf };
  const text =
    Object.entries(vars)
      .map(([k, v]) => `${k}='${String(v).replace(/'/g, `'\\''`)}'`)
      .join('\n') + '\n';
  writeFileSync(join(root, 'etc', 'lab.conf'), text);
  const cpio = execFileSync('sh', ['-c', 'find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0'], {
    cwd: root,
    maxBuffer: 1 << 30,
  });
  const out = join(dir, 'initrd.gz');
  writeFileSync(out, gzipSync(cpio, { level: 1 }));
  return out;
}
