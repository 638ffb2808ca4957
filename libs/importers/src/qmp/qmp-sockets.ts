import { Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One VM's QMP socket on this host. */
export interface VmSocket {
  readonly vmId: string;
  readonly path: string;
}

/** libvirt's per-domain directory: `domain-<n>-<name>` (the name cut to 20 characters by libvirt). */
const LIBVIRT_DOMAIN_DIR = /^domain-\d+-(.+)$/;

/**
 * The QMP sockets of a host's VMs in `dir`: `<vm>.qmp` or `<vm>.sock` sockets (one per VM, the
 * file name is the VM id), and libvirt's layout `domain-<n>-<name>/monitor.sock`. Sorted by VM id.
 */
export function qmpSocketsIn(
  dir: string,
  list: (d: string) => Dirent[] = (d) => readdirSync(d, { withFileTypes: true }),
): VmSocket[] {
  const found: VmSocket[] = [];
  for (const entry of list(dir)) {
    const m = /^(.+)\.(qmp|sock)$/.exec(entry.name);
    if (m && entry.isSocket()) found.push({ vmId: m[1], path: join(dir, entry.name) });
    const lv = LIBVIRT_DOMAIN_DIR.exec(entry.name);
    if (lv && entry.isDirectory()) {
      const sub = join(dir, entry.name);
      if (list(sub).some((e) => e.name === 'monitor.sock' && e.isSocket()))
        found.push({ vmId: lv[1], path: join(sub, 'monitor.sock') });
    }
  }
  return found.sort((a, b) => (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : 0));
}

/** `vm-a=/run/a.qmp,vm-b=/run/b.qmp` (BARPLANE_QMP_SOCKETS); an entry without `=` is an error. */
export function parseVmSockets(text: string): VmSocket[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      if (eq <= 0 || eq === entry.length - 1) throw new Error(`"${entry}" is not VM=SOCKET_PATH`);
      return { vmId: entry.slice(0, eq), path: entry.slice(eq + 1) };
    });
}
