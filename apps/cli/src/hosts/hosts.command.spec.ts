import { HostView } from '../api/views';
import { apiError, runCli } from '../testing/cli-test-kit';
import { hostDetailTable, hostsTable, worstFirst } from './hosts.command';

function host(
  id: string,
  bars: [number, number],
  bytes: [string, string],
  byteShare: number | null,
  notAssigned = 0,
): HostView {
  return {
    id,
    platform: 'arm64',
    pageSize: '0x10000',
    kernel: {},
    kvmMemslots: 32767,
    peCount: 5,
    functionCount: 5,
    vms: [],
    coverage: {
      bars: {
        total: bars[1],
        fastPath: bars[0],
        byMode: bars[1] ? { DIRECT: bars[0], EMULATED: bars[1] - bars[0] } : {},
      },
      bytes: { total: bytes[1], fastPath: bytes[0], byMode: {} },
      byteShare,
      notAssigned: {
        bars: notAssigned,
        bytes: notAssigned ? '0x30000' : '0x0',
        byMode: notAssigned ? { PENDING: notAssigned } : {},
      },
    },
  };
}

describe('barplane hosts: ranking by what VMs were given', () => {
  // An Altra with 3 of its 5 PEs given to no VM: its 2 given PEs are on the fast path, so it
  // is the best host, not the worst; a host with nothing given to a VM is not ranked at all.
  const altra = host('altra', [2, 2], ['0x20000', '0x20000'], 1, 3);
  const slow = host('p9', [1, 4], ['0x1000', '0x10000'], 0.0625);
  const idle = host('idle', [0, 0], ['0x0', '0x0'], null, 4);
  const half = host('x86', [1, 2], ['0x8000', '0x10000'], 0.5);

  it('ranks by the fast-path share of assigned BARs, worst first, and puts hosts with nothing assigned last', () => {
    expect(worstFirst([idle, altra, half, slow]).map((h) => h.id)).toEqual(['p9', 'x86', 'altra', 'idle']);
  });

  it('shows "not assigned" as its own column, and "nothing assigned" instead of a share', () => {
    const text = hostsTable([altra, idle]);
    expect(text).toContain('not assigned');
    expect(text).toContain('3 BARs, 192K (PENDING 3)');
    expect(text).toContain('nothing assigned');
    expect(text).toContain('100.0%');
  });

  it('names the not-assigned BARs in a host detail', () => {
    expect(hostDetailTable(altra, [])).toContain('not assigned (no VM holds their function): 3 BARs, 192K (PENDING 3)');
  });
});

describe('barplane hosts (run)', () => {
  const hosts = [host('p9', [1, 4], ['0x1000', '0x10000'], 0.0625), host('x86', [1, 2], ['0x8000', '0x10000'], 0.5)];

  it('lists the hosts worst first, in JSON for scripts (exit 0)', async () => {
    const run = await runCli(['hosts', '--format', 'json'], { 'GET /v1/hosts': { body: [hosts[1], hosts[0]] } });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).map((h: HostView) => h.id)).toEqual(['p9', 'x86']);
  });

  it('shows a host with its PEs, and ends an unknown host with exit 3', async () => {
    const run = await runCli(['hosts', 'p9'], {
      'GET /v1/hosts/p9': { body: hosts[0] },
      'GET /v1/hosts/p9/pes': { body: [] },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^host p9 {2}arm64, page 64K/);
    const unknown = await runCli(['hosts', 'nope'], {
      'GET /v1/hosts/nope': apiError(404, 'NOT_FOUND', 'no host nope'),
    });
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toBe('barplane hosts: GET /v1/hosts/nope: 404 NOT_FOUND: no host nope\n');
  });

  it('says when the API cannot be reached or refuses the token (exit 1)', async () => {
    const refused = await runCli(['hosts'], {
      'GET /v1/hosts': apiError(401, 'UNAUTHENTICATED', 'a valid bearer token is required'),
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'the API refused the token (401 UNAUTHENTICATED: a valid bearer token is required): check --token or BARPLANE_TOKEN',
    );
    expect((await runCli(['hosts', '--api', 'ftp://x'])).status).toBe(2);
  });
});
