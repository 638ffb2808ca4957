// guest-memory and vfio-regions with pe-registry, in-process against the real Kafka and
// PostgreSQL: host facts flow through pe.events, assignments through guest.events.
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@barplane/contracts';
import { NIC, p9Host, p9Pes, TOP, USB } from '../../../libs/owner-service/src/testing/host-fixtures';
import { commandEnvelope, useOwnerSuite } from '../../../libs/owner-service/src/testing/owner-test-kit';
import { peRegistryOwner } from '../../pe-registry/src/pe-registry.owner';
import { vfioRegionsOwner } from '../../vfio-regions/src/vfio-regions.owner';
import { guestMemoryOwner } from './guest-memory.owner';

jest.setTimeout(120_000);

const { topic, owners, recorder, sender, run } = useOwnerSuite(
  [peRegistryOwner, guestMemoryOwner, vfioRegionsOwner],
  ['pe.events', 'guest.events', 'vfio.events'],
  ['pe.commands', 'pe.events', 'guest.commands', 'guest.events', 'vfio.commands', 'vfio.events'],
);
const host = `p9-${randomUUID().slice(0, 8)}`;

describe('guest-memory and vfio-regions', () => {
  let assigned: Envelope;
  let assign: Envelope;

  it('assigns a PE once pe-registry registered the host (facts through pe.events)', async () => {
    await run('pe.commands', commandEnvelope('RegisterHost', host, { host: p9Host(host) }));
    // pe-registry's answer follows its events on pe.events, so the topology is on the topic; guest-memory's
    // view may not have applied it yet and waits for it. (Not waiting for the answer raced pe-registry
    // itself, which no facts wait can cover: a slow CI run rejected AssignPe with NOT_FOUND.)
    const imported = await run('pe.commands', commandEnvelope('ImportTopology', host, { pes: p9Pes }));
    expect(imported.answer.type).toBe('CommandApplied');
    const created = await run('guest.commands', commandEnvelope('CreateVm', host, { vmId: 'vm-a' }));
    expect(created.events.map((e) => e.type)).toEqual(['VmCreated']);
    expect(created.events[0].data).toMatchObject({ vm: { id: 'vm-a', machine: 'pseries' } });
    assign = commandEnvelope('AssignPe', host, { vmId: 'vm-a', peId: '0004:01' });
    const result = await run('guest.commands', assign);
    expect(result.answer.type).toBe('CommandApplied');
    expect(result.events.map((e) => e.type)).toEqual(['PeAssigned']);
    assigned = result.events[0];
    expect(assigned).toMatchObject({
      hostId: host,
      streamId: `guests-${host}`,
      streamVersion: '2',
      data: { vmId: 'vm-a', peId: '0004:01', functions: [NIC, USB] },
    });
  });

  it('refuses the same PE for a second VM (CONFLICT), naming the sibling functions and their VM', async () => {
    await run('guest.commands', commandEnvelope('CreateVm', host, { vmId: 'vm-b' }));
    const second = commandEnvelope('AssignPe', host, { vmId: 'vm-b', bdf: USB });
    const { answer, events } = await run('guest.commands', second);
    expect(events).toEqual([]);
    expect(answer).toMatchObject({
      type: 'CommandRejected',
      data: { commandId: second.id, commandType: 'AssignPe', code: 'CONFLICT' },
    });
    const problems = answer.data.problems as { path: string; message: string }[];
    expect(problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`${NIC}.*"vm-a"`));
    expect(problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`${USB}.*"vm-a"`));
    expect(answer.data.message).toContain('vm-b');
  });

  it('binds the functions of the assigned PE (FunctionBound, regions at index << 40), caused by PeAssigned', async () => {
    const bound = await recorder.waitForEnvelope('NIC bound', (e) => e.type === 'FunctionBound' && e.data.bdf === NIC);
    const both = recorder.causedBy(assigned.id).filter((e) => e.streamId === `vfio-${host}`);
    expect(both.map((e) => [e.type, e.data.bdf])).toEqual([
      ['FunctionBound', NIC],
      ['FunctionBound', USB],
    ]);
    // pe-registry learnt the hold from the same event (it then refuses to drop the PE).
    const held = await recorder.waitForEnvelope('PE held', (e) => e.type === 'PeHeld' && e.causationId === assigned.id);
    expect(held).toMatchObject({
      streamId: `host-${host}`,
      correlationId: assign.correlationId,
      data: { vmId: 'vm-a', peId: '0004:01' },
    });
    expect(bound).toMatchObject({
      hostId: host,
      streamId: `vfio-${host}`,
      correlationId: assign.correlationId,
      principal: 'operator:test',
    });
    const regions = bound.data.regions as { index: number; offset: string; size: string }[];
    expect(regions.map((r) => [r.index, r.offset, r.size])).toEqual([
      [0, '0x0', '0x10000'],
      [2, '0x20000000000', '0x20000'],
    ]);
    // Derived bindings are not answered.
    expect(recorder.envelopes(topic('vfio.events')).filter((e) => e.type.startsWith('Command'))).toEqual([]);
  });

  it('waits for facts that have not arrived yet instead of answering NOT_FOUND at once', async () => {
    const late = `x86-${randomUUID().slice(0, 8)}`;
    const create = commandEnvelope('CreateVm', late, { vmId: 'vm-late' });
    await sender.send(topic('guest.commands'), create);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sender.send(
      topic('pe.commands'),
      commandEnvelope('RegisterHost', late, { host: { id: late, platform: 'x86_64', pageSize: '0x1000' } }),
    );
    const answer = await recorder.answer(create.id);
    expect(answer.type).toBe('CommandApplied');
    expect(recorder.causedBy(create.id)[0].data).toMatchObject({ vm: { id: 'vm-late', machine: 'q35' } });
    // Both facts consumers folded each pe-registry event once.
    expect(owners[1].counters.facts!.applied).toBeGreaterThanOrEqual(3);
  });

  it('binds on command too, exact at the top of the 64-bit space, and unbinds on PeReleased', async () => {
    const bind = commandEnvelope('BindFunction', host, { bdf: TOP });
    const { answer, events } = await run('vfio.commands', bind);
    expect(answer.type).toBe('CommandApplied');
    expect(events.map((e) => e.type)).toEqual(['FunctionBound']);
    expect(events[0].data.regions).toEqual([expect.objectContaining({ index: 0, offset: '0x0', size: '0x1000' })]);

    const release = await run('guest.commands', commandEnvelope('ReleasePe', host, { vmId: 'vm-a', peId: '0004:01' }));
    const released = release.events[0];
    expect(released.type).toBe('PeReleased');
    await recorder.waitForEnvelope(
      'unbound',
      (e) => e.type === 'FunctionUnbound' && e.causationId === released.id && e.data.bdf === USB,
    );
    const unbound = recorder.causedBy(released.id).filter((e) => e.streamId === `vfio-${host}`);
    expect(unbound.map((e) => [e.type, e.data.bdf])).toEqual([
      ['FunctionUnbound', NIC],
      ['FunctionUnbound', USB],
    ]);
    await recorder.waitForEnvelope(
      'PE freed',
      (e) => e.type === 'PeFreed' && e.causationId === released.id && e.streamId === `host-${host}`,
    );
  });
});
