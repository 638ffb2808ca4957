import { Dirent } from 'node:fs';
import { VmSocket, parseVmSockets, qmpSocketsIn } from '@barplane/importers';

/**
 * The VMs whose guest BARs the agent watches, from its settings: BARPLANE_QMP_SOCKETS
 * (`vm=/path/qmp.sock,...`) and BARPLANE_QMP_DIR (a directory of `<vm>.qmp` sockets, or
 * libvirt's `domain-<n>-<name>/monitor.sock` layout). An explicit entry wins over the directory.
 */
export function vmSocketsFromEnv(env: NodeJS.ProcessEnv, list?: (d: string) => Dirent[]): VmSocket[] {
  const explicit = parseVmSockets(env.BARPLANE_QMP_SOCKETS ?? '');
  const found = env.BARPLANE_QMP_DIR ? qmpSocketsIn(env.BARPLANE_QMP_DIR, list) : [];
  const named = new Set(explicit.map((s) => s.vmId));
  return [...explicit, ...found.filter((s) => !named.has(s.vmId))];
}
