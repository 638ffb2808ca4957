import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlane, startControlPlane } from '../e2e/control-plane-harness';
import { TOKENS } from '../api/api-harness';
import { barplaneAsync, ensureBuilt } from './run-cli-async';

// The operator's `barplane` commands as child processes against the whole control plane,
// in process (real Kafka and PostgreSQL, a namespace of its own, the API on a free port).
jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const demo = JSON.parse(readFileSync(join(root, 'demo', 'power9-powernv.json'), 'utf8'));
// docs/domain.md worked example 4: three sub-page BARs of one PE on a 64K arm64 host, none page aligned.
const arm = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'examples', '04-three-functions-one-page.json'), 'utf8'),
);
const stamp = Date.now().toString(36);
const p9Id = `p9-cli-${stamp}`;
const armId = `arm64-cli-${stamp}`;
const KERNEL_PARAMETER = 'pci=resource_alignment=16@0000:01:00.0;16@0000:01:00.1;16@0000:01:00.2';
const SUBPAGE_SENTENCE =
  'The host BAR is smaller than a 64K page and does not start on a page boundary, so vfio-pci will not let QEMU mmap it; every guest access traps to QEMU.';

let cp: ControlPlane;
const cli = (args: string[], token: string | null = TOKENS.operator, env: Record<string, string> = {}) =>
  barplaneAsync([...args, '--api', cp.api.url, ...(token === null ? [] : ['--token', token])], env);

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not reached within ${ms} ms: ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function expectCall(method: string, path: string, body: unknown, status: number): Promise<void> {
  const r = await cp.api.call(method, path, { role: 'provisioner', body });
  if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  ensureBuilt();
  cp = await startControlPlane();
  // POWER9 demo: every PE given to a VM with its guest BARs (the fast path, mostly).
  await expectCall('POST', '/v1/hosts', { ...demo.host, id: p9Id }, 201);
  await expectCall('PUT', `/v1/hosts/${p9Id}/topology`, { pes: demo.pes }, 200);
  const { guestBars, id: _id, ...vm } = demo.vm;
  await expectCall('POST', '/v1/vms', { ...vm, id: `${p9Id}-vm`, hostId: p9Id }, 201);
  for (const pe of demo.pes) await expectCall('POST', `/v1/vms/${p9Id}-vm/assignments`, { peId: pe.id }, 201);
  await expectCall('PUT', `/v1/vms/${p9Id}-vm/guest-bars`, guestBars, 200);
  // arm64: unaligned sub-page BARs, two VMs that will both want its one PE.
  await expectCall('POST', '/v1/hosts', { ...arm.host, id: armId }, 201);
  await expectCall('PUT', `/v1/hosts/${armId}/topology`, { pes: arm.pes }, 200);
  for (const v of ['vm-a', 'vm-b'])
    await expectCall('POST', '/v1/vms', { id: `${armId}-${v}`, hostId: armId, machine: 'virt' }, 201);
  const decided = (host: string) => async () =>
    (await cp.api.call('GET', `/v1/decisions?host=${host}`)).body as { mode: string }[];
  await until('p9 decided', decided(p9Id), (d) => d.length === 12 && d.every((x) => x.mode !== 'PENDING'));
  await until('arm64 decided', decided(armId), (d) => d.length === 3);
});
afterAll(() => cp?.stop());

describe('barplane operator commands (child process, whole control plane)', () => {
  it('hosts: worst first, as a table and as JSON with 64-bit values as "0x..." strings; a host with nothing given to a VM is not ranked', async () => {
    const t = await cli(['hosts']);
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/byte share/);
    expect(t.stdout).toMatch(/not assigned/);
    // The arm64 host's one PE is given to no VM yet: its 3 emulated BARs are "not assigned",
    // not a 0.0 % share that would rank it worst.
    expect(t.stdout.indexOf(p9Id)).toBeGreaterThan(-1);
    expect(t.stdout.indexOf(p9Id)).toBeLessThan(t.stdout.indexOf(armId));
    expect(t.stdout).toMatch(new RegExp(`${armId} .* nothing assigned .* 3 BARs, .*\\(EMULATED 3\\)`));
    expect(t.stdout).not.toMatch(new RegExp(`${armId} .* 0\\.0%`));

    const j = await cli(['hosts', '--format', 'json']);
    expect(j.status).toBe(0);
    const hosts = JSON.parse(j.stdout);
    expect(hosts.map((h: any) => h.id)).toEqual([p9Id, armId]);
    expect(hosts[0].coverage).toMatchObject({
      bars: { total: 12 },
      byteShare: 1,
      bytes: { total: expect.stringMatching(/^0x[0-9a-f]+$/) },
      notAssigned: { bars: 0 },
    });
    expect(hosts[1].coverage).toMatchObject({
      bars: { total: 0 },
      byteShare: null,
      notAssigned: { bars: 3, bytes: '0x2100', byMode: { EMULATED: 3 } },
    });
    expect(hosts[1].pageSize).toBe('0x10000');
  });

  it('hosts HOST: its PEs with alignment policy and BAR decisions', async () => {
    const t = await cli(['hosts', armId]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain('PARAM_RESIZE');
    expect(t.stdout).toContain(KERNEL_PARAMETER);
    expect(t.stdout).toMatch(/0000:01:00\.2 .* EMULATED .* HOST_SUBPAGE_UNALIGNED/);
    const j = JSON.parse((await cli(['hosts', p9Id, '--format', 'json'])).stdout);
    expect(j.host.id).toBe(p9Id);
    expect(j.pes.map((p: any) => p.id)).toEqual(demo.pes.map((p: any) => p.id));
    expect(j.pes[0].functions[0].decisions[0]).toMatchObject({
      mode: expect.any(String),
      auditId: expect.stringMatching(new RegExp(`^${p9Id}/\\d+$`)),
    });
  });

  it('explain: the reason in plain words and the kernel parameter to add', async () => {
    const t = await cli(['explain', armId, '0000:01:00.0']);
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    expect(t.stdout).toContain('EMULATED');
    expect(t.stdout).toContain(`HOST_SUBPAGE_UNALIGNED: ${SUBPAGE_SENTENCE}`);
    expect(t.stdout).toContain(`Add the kernel parameter ${KERNEL_PARAMETER}`);
    // The fragment to paste, on a line of its own under its target.
    expect(t.stdout).toContain(`    host kernel command line:\n        ${KERNEL_PARAMETER}\n`);

    const j = await cli(['explain', armId, '01:00.2', '--bar', '0', '--format', 'json']);
    expect(j.status).toBe(0);
    const e = JSON.parse(j.stdout);
    expect(e).toMatchObject({
      hostId: armId,
      bdf: '0000:01:00.2',
      pe: '0000:01',
      alignment: { policy: 'PARAM_RESIZE', kernelParameter: KERNEL_PARAMETER },
    });
    expect(e.bars).toEqual([
      expect.objectContaining({
        index: 0,
        size: '0x100',
        mode: 'EMULATED',
        reasons: [{ code: 'HOST_SUBPAGE_UNALIGNED', sentence: SUBPAGE_SENTENCE }],
        advice: [
          expect.objectContaining({
            kind: 'HOST_ALIGNMENT',
            kernelParameter: KERNEL_PARAMETER,
            apply: [expect.objectContaining({ target: 'host-kernel-cmdline', text: KERNEL_PARAMETER })],
          }),
        ],
      }),
    ]);
  });

  it('assign: 201 gives the PE whole (exit 0); a second VM gets 409 naming the siblings held elsewhere (exit 4)', async () => {
    const ok = await cli(['assign', `${armId}-vm-a`, '0000:01']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`assigned PE 0000:01 to VM ${armId}-vm-a: 0000:01:00.0, 0000:01:00.1, 0000:01:00.2`);

    const clash = await cli(['assign', `${armId}-vm-b`, '0000:01', '--format', 'json']);
    expect(clash.status).toBe(4);
    for (const fn of ['0000:01:00.0', '0000:01:00.1', '0000:01:00.2'])
      expect(clash.stderr).toContain(`function ${fn} of PE "0000:01" is given to VM "${armId}-vm-a"`);
    expect(JSON.parse(clash.stdout)).toMatchObject({
      assigned: false,
      error: 'CONFLICT',
      siblings: expect.arrayContaining([expect.stringContaining('0000:01:00.1')]),
    });
  });

  it('audit export: JSON Lines and CSV, every record with its hash; --host filters', async () => {
    const jl = await cli(['audit', 'export']);
    expect(jl.stderr).toBe('');
    expect(jl.status).toBe(0);
    const lines = jl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(15);
    for (const l of lines)
      expect(l).toMatchObject({
        hostId: expect.any(String),
        seq: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

    const csv = await cli(['audit', 'export', '--format', 'csv', '--since', '2000-01-01T00:00:00Z']);
    expect(csv.status).toBe(0);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('hostId,seq,recordedAt,subject,vmId,mode,reasons,principal,correlationId,hash');
    expect(rows).toHaveLength(lines.length + 1);
    const armRow = rows.find((r) => r.startsWith(`${armId},`) && r.includes('bar:0000:01:00.0/0'))!.split(',');
    expect(armRow).toHaveLength(10);
    expect(armRow.slice(5, 8)).toEqual(['EMULATED', 'HOST_SUBPAGE_UNALIGNED', 'provisioner:test']);
    expect(armRow[9]).toMatch(/^[0-9a-f]{64}$/);

    const only = await cli(['audit', 'export', '--host', armId]);
    const armLines = only.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(armLines.length).toBeGreaterThan(0);
    expect(armLines.every((l) => l.hostId === armId)).toBe(true);
  });

  it('audit verify: exit 0 when every chain holds', async () => {
    const v = await cli(['audit', 'verify']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/audit chains ok: \d+ records verified/);
    expect(JSON.parse((await cli(['audit', 'verify', '--format', 'json'], TOKENS.auditor)).stdout)).toMatchObject({
      ok: true,
    });
  });

  it('exit 2 for usage mistakes and invalid input, 3 for unknown ids, 1 for a wrong token or an API that is down', async () => {
    expect((await cli(['explain', armId])).status).toBe(2);
    expect((await cli(['hosts', '--format', 'yaml'])).status).toBe(2);
    expect((await cli(['explain', armId, '0000:100:00.0'])).status).toBe(2);
    expect((await cli(['explain', armId, '0000:01:00.0', '--bar', '9'])).status).toBe(2);
    expect((await cli(['audit', 'export', '--since', 'yesterday'])).status).toBe(2);
    expect((await cli(['audit', 'frobnicate'])).status).toBe(2);
    expect((await cli(['hosts'], null)).status).toBe(2);

    const unknown = await cli(['hosts', 'no-such-host']);
    expect([unknown.status, unknown.stdout]).toEqual([3, '']);
    expect(unknown.stderr).toContain('no host no-such-host');
    expect((await cli(['explain', 'no-such-host', '0000:01:00.0'])).status).toBe(3);
    expect((await cli(['explain', armId, '0000:09:00.0'])).status).toBe(3);
    expect((await cli(['explain', armId, '0000:01:00.0', '--bar', '2'])).status).toBe(3);
    expect((await cli(['assign', 'no-such-vm', '0000:01'])).status).toBe(3);

    const wrong = await cli(['hosts'], 'not-a-token');
    expect([wrong.status, wrong.stdout]).toEqual([1, '']);
    expect(wrong.stderr).toContain('the API refused the token (401');
    const weak = await cli(['audit', 'verify'], TOKENS.viewer);
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('403');
    const down = await barplaneAsync(['hosts', '--api', 'http://127.0.0.1:9', '--token', 'x']);
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('cannot reach the API at http://127.0.0.1:9');

    const help = await cli(['assign', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('4  conflict: HTTP 409');
  });

  it('replay: refuses while the projector runs (exit 4); once stopped, rebuilds with a rate and the audit still verifies', async () => {
    const env = {
      BARPLANE_NAMESPACE: cp.namespace,
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    };
    const before = (await cli(['audit', 'export'])).stdout;
    const live = await barplaneAsync(['replay'], env);
    expect(live.status).toBe(4);
    expect(live.stderr).toContain('the live projector is running');

    await cp.projector.stop();
    const run = await barplaneAsync(['replay'], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // stdout is a pipe here: no progress bar, one final line.
    expect(run.stdout).toMatch(/^replayed \d+ events into \S+ in [\d.]+ s: \d+ events\/s\n$/);

    const verify = await cli(['audit', 'verify']);
    expect(verify.status).toBe(0);
    const after = (await cli(['audit', 'export'])).stdout;
    const hashes = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).hash);
    expect(hashes(after)).toEqual(hashes(before));
    expect(JSON.parse((await cli(['hosts', '--format', 'json'])).stdout).map((h: any) => h.id)).toEqual([armId, p9Id]);

    const wrongNamespace = await barplaneAsync(['replay', '--format', 'json'], {
      ...env,
      BARPLANE_NAMESPACE: `nobody${stamp}.`,
    });
    expect(wrongNamespace.status).toBe(3);
  });
});
