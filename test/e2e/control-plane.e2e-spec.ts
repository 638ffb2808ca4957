import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planScenario, planToJson } from '@barplane/domain';
import { readScenario } from '@barplane/contracts';
import { kafkaFromEnv } from '@barplane/messaging';
import { ConfigResourceTypes } from 'kafkajs';
import type { Role } from '../../apps/api/src/auth/role';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { ControlPlane, startControlPlane } from './control-plane-harness';

// End to end over HTTP against the real broker and database: the whole control plane.
jest.setTimeout(120_000);
const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'demo', 'power9-powernv.json'), 'utf8'));

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(() => cp?.stop());

const planFields = (d: Record<string, unknown>) => {
  const { pe, bdf, index, mode, reasons, slots, directRanges, advice } = d;
  return { pe, bdf, index, mode, reasons, slots, directRanges, advice };
};

describe('control plane end to end (HTTP, real Kafka and PostgreSQL)', () => {
  const hostId = `p9-e2e-${Date.now()}`;
  const host = { ...demo.host, id: hostId };
  const vmId = `${hostId}-vm`;
  /** PUT the alignment override of one of the host's PEs (an operator's, unless `role` says otherwise). */
  const setAlignment = (pe: string, override: string, opts: { role?: Role; headers?: Record<string, string> } = {}) =>
    cp.api.call('PUT', `/v1/hosts/${hostId}/pes/${pe}/alignment`, { role: 'operator', ...opts, body: { override } });

  it('registers the POWER9 host, imports its topology, creates a VM, assigns PEs, programs guest BARs; the decisions equal barplane plan', async () => {
    const { api } = cp;
    const registered = await api.call('POST', '/v1/hosts', { role: 'provisioner', body: host });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ status: 'applied', host: { id: hostId, pageSize: '0x10000' } });

    const imported = await api.call('PUT', `/v1/hosts/${hostId}/topology`, {
      role: 'provisioner',
      body: { pes: demo.pes },
    });
    expect(imported.status).toBe(200);
    expect(imported.body.events[0]).toMatchObject({
      type: 'TopologyImported',
      data: { added: expect.arrayContaining(['0001:01:00.0']), removed: [] },
    });

    const { guestBars, id: _id, ...vm } = demo.vm;
    const created = await api.call('POST', '/v1/vms', { role: 'provisioner', body: { ...vm, id: vmId, hostId } });
    expect(created.status).toBe(201);
    for (const pe of demo.pes) {
      const assigned = await api.call('POST', `/v1/vms/${vmId}/assignments`, {
        role: 'provisioner',
        body: { peId: pe.id },
      });
      expect(assigned.status).toBe(201);
    }
    const programmed = await api.call('PUT', `/v1/vms/${vmId}/guest-bars`, { role: 'provisioner', body: guestBars });
    expect(programmed.status).toBe(200);

    const read = readScenario(JSON.stringify({ ...demo, host, vm: { ...demo.vm, id: vmId } }));
    if (!read.ok) throw new Error('demo scenario invalid');
    const plan = planToJson(planScenario(read.scenario)) as { bars: Record<string, unknown>[] };
    const served = await api.call('GET', `/v1/decisions?host=${hostId}`);
    expect(served.status).toBe(200);
    expect(served.body.map(planFields)).toEqual(plan.bars.map(planFields));
    expect(served.body[0]).toMatchObject({
      ruleSet: 'barplane-rules/2',
      vmId,
      auditId: expect.stringMatching(new RegExp(`^${hostId}/\\d+$`)),
    });
  });

  it('serves the fleet: hosts with coverage, PEs with VFIO regions, VMs', async () => {
    const { api } = cp;
    const h = await api.call('GET', `/v1/hosts/${hostId}`);
    expect(h.body.coverage).toMatchObject({ bars: { total: 12 }, byteShare: 1 });
    // The list and /metrics read the same host summary row the projector wrote with the decisions.
    const list = await api.call('GET', '/v1/hosts');
    expect(list.body.find((x: { id: string }) => x.id === hostId)).toEqual(h.body);
    const metrics = (await api.call('GET', '/metrics', { role: null })).text;
    expect(metrics).toContain(`barplane_fast_path_byte_share{host="${hostId}"} 1`);
    expect(metrics).toMatch(new RegExp(`barplane_bar_decisions\\{host="${hostId}",mode="[A-Z_]+"\\} \\d+`));
    const pe = await api.call('GET', `/v1/hosts/${hostId}/pes/0001:01`);
    expect(pe.body.functions[1]).toMatchObject({
      bdf: '0001:01:00.1',
      vfio: { bound: true, regions: [{ index: 0, offset: '0x0', flags: expect.arrayContaining(['MMAP']) }] },
    });
    const vm = await api.call('GET', `/v1/vms/${vmId}`);
    expect(vm.body).toMatchObject({ id: vmId, hostId, memslots: { nonBar: 3, bars: 12 } });
  });

  it('refuses bad input with 400 naming every problem, and appends nothing', async () => {
    const { api } = cp;
    const bad = await api.call('POST', '/v1/hosts', {
      role: 'provisioner',
      body: { id: 'bad-host', platform: 'sparc', pageSize: '0x3000', cpu: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p: { path: string }) => p.path).sort()).toEqual(['cpu', 'pageSize', 'platform']);
    expect((await api.call('GET', '/v1/hosts/bad-host')).status).toBe(404);
  });

  it('answers 401 and 403 by token and role', async () => {
    const { api } = cp;
    expect((await api.call('POST', '/v1/hosts', { role: null, body: host })).status).toBe(401);
    expect((await api.call('POST', '/v1/hosts', { role: 'viewer', body: host })).status).toBe(403);
    expect((await setAlignment('0001:01', 'page', { role: 'provisioner' })).status).toBe(403);
    expect((await api.call('GET', '/v1/audit/verify', { role: 'viewer' })).status).toBe(403);
  });

  it('gives one of two commands with the same expected version a 409 and keeps the stream consistent', async () => {
    const first = await setAlignment('0001:01', 'none');
    expect(first.status).toBe(200);
    const version = first.body.streamVersion;
    const [a, b] = await Promise.all(
      ['page', 'auto'].map((override) =>
        setAlignment('0001:01', override, { headers: { 'if-match': `"${version}"` } }),
      ),
    );
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    expect(BigInt(winner.body.streamVersion)).toBe(BigInt(version) + 1n);
  });

  it('returns the first answer for a reused Idempotency-Key, and 422 for another body', async () => {
    const headers = { 'idempotency-key': `k-${hostId}` };
    const one = await setAlignment('0001:03', 'page', { headers });
    const two = await setAlignment('0001:03', 'page', { headers });
    expect(two.body.commandId).toBe(one.body.commandId);
    const other = await setAlignment('0001:03', 'none', { headers });
    expect(other.status).toBe(422);
  });

  it('refuses a PE held by another VM with 409 naming its functions', async () => {
    const { api } = cp;
    expect((await api.call('POST', '/v1/vms', { role: 'provisioner', body: { id: `${vmId}-2`, hostId } })).status).toBe(
      201,
    );
    const taken = await api.call('POST', `/v1/vms/${vmId}-2/assignments`, {
      role: 'provisioner',
      body: { peId: '0002:02' },
    });
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.body.problems)).toContain('0002:02:01.0');
  });

  it('refuses a topology that drops or re-partitions a PE a VM holds (409 naming the VM and the PE); the facts still plan; after the release the import is 200', async () => {
    const { api } = cp;
    const heldHost = `${hostId}-held`;
    const heldVm = `${heldHost}-vm`;
    const x86 = { id: heldHost, platform: 'x86_64', pageSize: '0x1000' };
    const nic = { bdf: '0000:03:00.0', bars: [{ index: 0, kind: 'mem64', address: '0xfe000000', size: '0x20000' }] };
    const nicFn1 = { bdf: '0000:03:00.1', bars: [{ index: 0, kind: 'mem64', address: '0xfe020000', size: '0x4000' }] };
    const nvme = { bdf: '0000:04:00.0', bars: [{ index: 0, kind: 'mem64', address: '0xfd000000', size: '0x4000' }] };
    const held = { id: '0000:03', functions: [nic, nicFn1] };
    const free = { id: '0000:04', functions: [nvme] };
    const topology = (pes: unknown[]) =>
      api.call('PUT', `/v1/hosts/${heldHost}/topology`, { role: 'provisioner', body: { pes } });
    expect((await api.call('POST', '/v1/hosts', { role: 'provisioner', body: x86 })).status).toBe(201);
    expect((await topology([held, free])).status).toBe(200);
    expect(
      (await api.call('POST', '/v1/vms', { role: 'provisioner', body: { id: heldVm, hostId: heldHost } })).status,
    ).toBe(201);
    expect(
      (await api.call('POST', `/v1/vms/${heldVm}/assignments`, { role: 'provisioner', body: { peId: held.id } }))
        .status,
    ).toBe(201);
    const guestBars = [{ bdf: nic.bdf, index: 0, address: '0x80000000' }];
    expect(
      (await api.call('PUT', `/v1/vms/${heldVm}/guest-bars`, { role: 'provisioner', body: guestBars })).status,
    ).toBe(200);
    const before = (await api.call('GET', `/v1/decisions?host=${heldHost}`)).body.map(planFields);

    // Right after the assignment's 201: pe-registry knows the hold (it waits for guest.events).
    const dropped = await topology([free]);
    expect(dropped.status).toBe(409);
    expect(dropped.body).toMatchObject({
      error: 'CONFLICT',
      message: expect.stringContaining(`PE "0000:03" is given to VM "${heldVm}"`),
    });
    expect(dropped.body.problems).toEqual([
      { path: 'pes', message: expect.stringMatching(new RegExp(`VM "${heldVm}".*drops the PE`)) },
    ]);
    const repartitioned = await topology([
      { id: '0000:03', functions: [nic] },
      { id: '0000:04', functions: [nvme, nicFn1] },
    ]);
    expect(repartitioned.status).toBe(409);
    expect(repartitioned.body.problems).toEqual([
      { path: 'pes[0]', message: expect.stringContaining(`moves ${nicFn1.bdf} to PE "0000:04"`) },
    ]);
    expect(
      (await api.call('DELETE', `/v1/hosts/${heldHost}/functions/${nicFn1.bdf}`, { role: 'provisioner' })).status,
    ).toBe(409);

    // The facts still plan: nothing changed, and the served decisions are the plan of those facts.
    const pes = (await api.call('GET', `/v1/hosts/${heldHost}/pes`)).body;
    expect(
      pes.map((pe: { id: string; functions: { bdf: string }[] }) => [pe.id, pe.functions.map((f) => f.bdf)]),
    ).toEqual([
      ['0000:03', [nic.bdf, nicFn1.bdf]],
      ['0000:04', [nvme.bdf]],
    ]);
    const after = (await api.call('GET', `/v1/decisions?host=${heldHost}`)).body.map(planFields);
    expect(after).toEqual(before);
    const planned = await api.call('POST', '/v1/plans', {
      body: { host: x86, pes: [held, free], vm: { id: heldVm, assignedPes: [held.id], guestBars } },
    });
    expect(planned.status).toBe(200);
    expect(planned.body.bars.map(planFields)).toEqual(after);

    // A BAR that moves in a held PE is a fact: accepted.
    const movedNic = { ...nic, bars: [{ ...nic.bars[0], address: '0xfe040000' }] };
    const barsOnly = await topology([{ ...held, functions: [movedNic, nicFn1] }, free]);
    expect(barsOnly.status).toBe(200);
    expect(barsOnly.body.events[0].data).toMatchObject({ added: [], removed: [], changed: [nic.bdf] });

    // Released, the same import is applied.
    expect((await api.call('DELETE', `/v1/vms/${heldVm}/assignments/${held.id}`, { role: 'provisioner' })).status).toBe(
      200,
    );
    const imported = await topology([free]);
    expect(imported.status).toBe(200);
    expect(imported.body.events[0]).toMatchObject({
      type: 'TopologyImported',
      data: { removed: [nic.bdf, nicFn1.bdf] },
    });
  });

  it('keeps 0xfffffffffffff000-class addresses exact through HTTP, Kafka, PostgreSQL and back', async () => {
    const { api } = cp;
    const topId = `${hostId}-top`;
    const top = { id: topId, platform: 'powernv', pageSize: '0x10000' };
    expect((await api.call('POST', '/v1/hosts', { role: 'provisioner', body: top })).status).toBe(201);
    const bars = [
      wireBar(0, 'mem64', '0xffffffffffff0000', '0x1000'),
      wireBar(2, 'mem64', '0xfffffffffffef000', '0x1000'),
    ];
    const pes = [wirePe('ffff:ff', { bdf: 'ffff:ff:1f.7', bars })];
    expect((await api.call('PUT', `/v1/hosts/${topId}/topology`, { role: 'provisioner', body: { pes } })).status).toBe(
      200,
    );
    expect(
      (await api.call('POST', '/v1/vms', { role: 'provisioner', body: { id: `${topId}-vm`, hostId: topId } })).status,
    ).toBe(201);
    expect(
      (await api.call('POST', `/v1/vms/${topId}-vm/assignments`, { role: 'provisioner', body: { peId: 'ffff:ff' } }))
        .status,
    ).toBe(201);
    const guest = (address: string) =>
      api.call('PUT', `/v1/vms/${topId}-vm/guest-bars`, {
        role: 'provisioner',
        body: [{ bdf: 'ffff:ff:1f.7', index: 0, address }],
      });
    expect((await guest('0xfffffffffffff000')).status).toBe(200);
    let decided = await api.call('GET', `/v1/decisions?host=${topId}`);
    // The last 4K of the space: not on a 64K page, and no free page above it to advise.
    expect(decided.body[0]).toMatchObject({ mode: 'EMULATED', reasons: ['GUEST_SUBPAGE_UNALIGNED'], advice: [] });
    expect((await api.call('GET', `/v1/vms/${topId}-vm`)).body.guestBars).toEqual([
      { bdf: 'ffff:ff:1f.7', index: 0, address: '0xfffffffffffff000' },
    ]);
    expect((await guest('0x1fffffffffffff000')).status).toBe(400);
    expect((await guest('0xffffffffffff0000')).status).toBe(200);
    const pe = await api.call('GET', `/v1/hosts/${topId}/pes/ffff:ff`);
    expect(pe.body.functions[0].bars.map((b: { address: string }) => b.address)).toEqual([
      '0xffffffffffff0000',
      '0xfffffffffffef000',
    ]);
    const vm = await api.call('GET', `/v1/vms/${topId}-vm`);
    expect(vm.body.guestBars).toEqual([{ bdf: 'ffff:ff:1f.7', index: 0, address: '0xffffffffffff0000' }]);
    decided = await api.call('GET', `/v1/decisions?host=${topId}`);
    expect(decided.body.map((d: { mode: string }) => d.mode)).toEqual(['DIRECT_PAGE_EXPANDED', 'EMULATED']);
  });

  it('keeps an audit trail that verifies, exports as JSON Lines, and names a record changed in the database', async () => {
    const { api } = cp;
    expect((await api.call('GET', '/v1/audit/verify', { role: 'auditor' })).body).toMatchObject({ ok: true });
    const lines = await api.call('GET', `/v1/audit?host=${hostId}`, {
      role: 'auditor',
      headers: { accept: 'application/x-ndjson' },
    });
    const records = lines.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({
      hostId,
      seq: 1,
      record: { ruleSet: 'barplane-rules/2', principal: 'provisioner:test' },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const schema = `${cp.namespace.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}projector`;
    const db = cp.api.app.get(await import('typeorm').then((m) => m.DataSource));
    await db.query(
      `UPDATE "${schema}".audit_records SET record = jsonb_set(record::jsonb, '{principal}', '"mallory"')::json WHERE host_id = $1 AND seq = 3`,
      [hostId],
    );
    const verify = await api.call('GET', '/v1/audit/verify', { role: 'auditor' });
    expect(verify.body).toMatchObject({ ok: false, failure: { hostId, seq: 3 } });
    await db.query(
      `UPDATE "${schema}".audit_records SET record = jsonb_set(record::jsonb, '{principal}', '"provisioner:test"')::json WHERE host_id = $1 AND seq = 3`,
      [hostId],
    );
  });

  it('streams new decisions as Server-Sent Events', async () => {
    const { api } = cp;
    const controller = new AbortController();
    const res = await fetch(`${api.url}/v1/decisions/stream`, {
      headers: { authorization: 'Bearer test-viewer-token' },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    const ready = (async () => {
      while (!text.includes(': ready')) text += new TextDecoder().decode((await reader.read()).value);
    })();
    await ready;
    // The override is recorded in the PE's alignment decision (the platform policy stays).
    expect((await setAlignment('0001:09', 'page')).status).toBe(200);
    const deadline = Date.now() + 20_000;
    while (!text.includes('event: decision') && Date.now() < deadline)
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: decision');
    expect(text).toMatch(new RegExp(`id: ${hostId}/\\d+`));
  });

  it('keeps the topics a rebuild replays for ever, and the others at the broker default', async () => {
    const admin = kafkaFromEnv('e2e-topic-configs').admin();
    await admin.connect();
    try {
      const names = [
        'pe.events',
        'vfio.events',
        'guest.events',
        'projector.applied',
        'guest.commands',
        'decisions.events',
      ];
      const { resources } = await admin.describeConfigs({
        resources: names.map((n) => ({
          type: ConfigResourceTypes.TOPIC,
          name: cp.namespace + n,
          configNames: ['retention.ms'],
        })),
        includeSynonyms: false,
      });
      const retention = Object.fromEntries(
        resources.map((r) => [
          r.resourceName.slice(cp.namespace.length),
          r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue,
        ]),
      );
      expect(retention).toEqual({
        'pe.events': '-1',
        'vfio.events': '-1',
        'guest.events': '-1',
        'projector.applied': '-1',
        'guest.commands': '604800000',
        'decisions.events': '604800000',
      });
    } finally {
      await admin.disconnect();
    }
  });
});
