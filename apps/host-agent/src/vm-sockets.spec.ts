import { Dirent } from 'node:fs';
import { vmSocketsFromEnv } from './vm-sockets';

const socket = (name: string) => ({ name, isSocket: () => true, isDirectory: () => false }) as Dirent;

describe('vmSocketsFromEnv', () => {
  it('takes the explicit list and the directory, the explicit entry winning for a VM', () => {
    const list = () => [socket('web.qmp'), socket('db.qmp')];
    expect(
      vmSocketsFromEnv({ BARPLANE_QMP_SOCKETS: 'web=/run/other/web.sock', BARPLANE_QMP_DIR: '/run/qmp' }, list),
    ).toEqual([
      { vmId: 'web', path: '/run/other/web.sock' },
      { vmId: 'db', path: '/run/qmp/db.qmp' },
    ]);
  });

  it('watches nothing when neither is set, and refuses a malformed list', () => {
    expect(vmSocketsFromEnv({})).toEqual([]);
    expect(() => vmSocketsFromEnv({ BARPLANE_QMP_SOCKETS: '/run/a.qmp' })).toThrow('not VM=SOCKET_PATH');
  });
});
