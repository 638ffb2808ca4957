import { Dirent } from 'node:fs';
import { parseVmSockets, qmpSocketsIn } from './qmp-sockets';

const entry = (name: string, kind: 'socket' | 'dir' | 'file'): Dirent =>
  ({ name, isSocket: () => kind === 'socket', isDirectory: () => kind === 'dir' }) as Dirent;

describe('qmpSocketsIn', () => {
  it('finds <vm>.qmp and <vm>.sock sockets and libvirt domain-<n>-<name>/monitor.sock, by VM id', () => {
    const tree: Record<string, Dirent[]> = {
      '/run/vms': [
        entry('b-vm.qmp', 'socket'),
        entry('a-vm.sock', 'socket'),
        entry('notes.qmp', 'file'),
        entry('domain-3-web', 'dir'),
        entry('domain-4-empty', 'dir'),
      ],
      '/run/vms/domain-3-web': [entry('monitor.sock', 'socket'), entry('master-key.aes', 'file')],
      '/run/vms/domain-4-empty': [],
    };
    expect(qmpSocketsIn('/run/vms', (d) => tree[d])).toEqual([
      { vmId: 'a-vm', path: '/run/vms/a-vm.sock' },
      { vmId: 'b-vm', path: '/run/vms/b-vm.qmp' },
      { vmId: 'web', path: '/run/vms/domain-3-web/monitor.sock' },
    ]);
  });
});

describe('parseVmSockets', () => {
  it('reads VM=PATH pairs and refuses anything else', () => {
    expect(parseVmSockets('a=/run/a.qmp, b=/run/b.qmp')).toEqual([
      { vmId: 'a', path: '/run/a.qmp' },
      { vmId: 'b', path: '/run/b.qmp' },
    ]);
    expect(() => parseVmSockets('a=/x,/run/b.qmp')).toThrow('"/run/b.qmp" is not VM=SOCKET_PATH');
  });
});
