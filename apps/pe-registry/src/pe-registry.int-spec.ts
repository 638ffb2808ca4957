// pe-registry in-process against the real Kafka and PostgreSQL, in a namespace of its own.
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@barplane/contracts';
import { DLQ_HEADERS } from '@barplane/messaging';
import { NIC, p9Host, p9Pes, USB } from '../../../libs/owner-service/src/testing/host-fixtures';
import {
  commandEnvelope,
  testOwner,
  useOwnerSuite,
  waitFor,
} from '../../../libs/owner-service/src/testing/owner-test-kit';
import { peRegistryOwner } from './pe-registry.owner';

jest.setTimeout(120_000);

const suite = useOwnerSuite(
  [peRegistryOwner],
  ['pe.events', 'pe.commands.dlq'],
  ['pe.commands', 'pe.events', 'guest.events'],
);
const { ns, owners, recorder, sender } = suite;
const commands = suite.topic('pe.commands');
const events = suite.topic('pe.events');
const guestEvents = suite.topic('guest.events');
/** The pe-registry under test (a restart replaces it in `owners`). */
let [owner] = owners;

const hostId = () => `p9-${randomUUID().slice(0, 8)}`;

async function streamVersion(host: string): Promise<string> {
  const rows: { version: string }[] = await owner.database.query(
    `SELECT version FROM "${owner.names.schema}".event_streams WHERE stream_id = $1`,
    [`host-${host}`],
  );
  return rows[0]?.version ?? '0';
}

/** Sends a command to pe.commands and returns its answer and the events it caused. */
const run = (command: Envelope) => suite.run('pe.commands', command);

async function registered(host: string): Promise<void> {
  await run(commandEnvelope('RegisterHost', host, { host: p9Host(host) }));
  await run(commandEnvelope('ImportTopology', host, { pes: p9Pes }));
}

describe('pe-registry', () => {
  it('registers a host, then imports its topology: events on pe.events, the last carrying CommandApplied, 64-bit values exact', async () => {
    const host = hostId();
    const register = commandEnvelope('RegisterHost', host, { host: p9Host(host) });
    const first = await run(register);
    expect(first.events.map((e) => e.type)).toEqual(['HostRegistered']);
    expect(first.events[0]).toMatchObject({
      hostId: host,
      streamId: `host-${host}`,
      streamVersion: '1',
      schemaVersion: 1,
      correlationId: register.correlationId,
      causationId: register.id,
      principal: 'operator:test',
      data: { host: { id: host, platform: 'powernv', pageSize: '0x10000' } },
    });
    expect(first.events[0].occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.answer).toMatchObject({
      type: 'CommandApplied',
      hostId: host,
      correlationId: register.correlationId,
      causationId: register.id,
      data: {
        commandId: register.id,
        commandType: 'RegisterHost',
        streamId: `host-${host}`,
        streamVersion: '1',
        eventIds: [first.events[0].id],
      },
    });
    expect(first.answer.id).not.toBe(register.id);

    const topology = commandEnvelope('ImportTopology', host, { pes: p9Pes });
    const second = await run(topology);
    expect(second.events.map((e) => e.type)).toEqual(['TopologyImported']);
    expect(second.answer.data).toMatchObject({ streamVersion: '2', eventIds: [second.events[0].id] });
    // The raw Kafka value carries the address as the exact hex string, and the key is the host.
    const raw = recorder.messages.find((m) => m.envelope?.id === second.events[0].id)!;
    expect(raw.key).toBe(host);
    expect(raw.value).toContain('"address":"0xfffffffffffff000"');
    const top = (second.events[0].data.pes as { functions: { bars: { address: string }[] }[] }[])[1].functions[0]
      .bars[0];
    expect(top.address).toBe('0xfffffffffffff000');
    // The answer that names the events rides on the last of them, not as a message of its own.
    expect(raw.envelope?.answer).toEqual(second.answer);
    expect(recorder.messages.some((m) => m.envelope?.id === second.answer.id)).toBe(false);
    expect(await streamVersion(host)).toBe('2');
  });

  it('rejects an invalid command naming every problem, appends and publishes nothing else', async () => {
    const host = hostId();
    await registered(host);
    const bad = commandEnvelope('RelocateBar', host, { bdf: 'nope', index: 9, address: '-1', extra: true });
    const { answer, events: caused } = await run(bad);
    expect(answer).toMatchObject({
      type: 'CommandRejected',
      causationId: bad.id,
      correlationId: bad.correlationId,
      data: { commandId: bad.id, commandType: 'RelocateBar', code: 'VALIDATION' },
    });
    const paths = (answer.data.problems as { path: string }[]).map((p) => p.path).sort();
    expect(paths).toEqual(['data.address', 'data.bdf', 'data.extra', 'data.index']);
    // A domain rule (an unknown function) is rejected with the decider's code.
    const unknown = commandEnvelope('RemoveFunction', host, { bdf: '0009:00:00.0' });
    expect((await run(unknown)).answer.data).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('0009:00:00.0'),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(caused).toEqual([]);
    expect(recorder.causedBy(bad.id)).toHaveLength(1);
    expect(await streamVersion(host)).toBe('2');
  });

  it('answers one of two commands at the same expectedVersion with CommandConflicted', async () => {
    const host = hostId();
    await registered(host);
    const a = commandEnvelope(
      'RelocateBar',
      host,
      { bdf: USB, index: 0, address: '0x3fe080011000' },
      { expectedVersion: '2' },
    );
    const b = commandEnvelope(
      'RelocateBar',
      host,
      { bdf: USB, index: 0, address: '0x3fe080012000' },
      { expectedVersion: '2' },
    );
    await sender.send(commands, a, b);
    const answers = [await recorder.answer(a.id), await recorder.answer(b.id)];
    expect(answers.map((x) => x.type).sort()).toEqual(['CommandApplied', 'CommandConflicted']);
    const conflicted = answers.find((x) => x.type === 'CommandConflicted')!;
    expect(conflicted.data).toMatchObject({ expectedVersion: '2', actualVersion: '3' });
    const relocated = recorder.envelopes(events).filter((e) => e.hostId === host && e.type === 'BarRelocated');
    expect(relocated).toHaveLength(1);
    expect(relocated[0].streamVersion).toBe('3');
    expect(await streamVersion(host)).toBe('3');
  });

  it('answers and appends a command delivered twice only once', async () => {
    const host = hostId();
    const register = commandEnvelope('RegisterHost', host, { host: p9Host(host) });
    await sender.send(commands, register, register);
    await recorder.answer(register.id);
    // A later command of the same host is answered after both copies were handled.
    const later = commandEnvelope('ImportTopology', host, { pes: p9Pes });
    await run(later);
    await sender.send(commands, register);
    const noop = commandEnvelope('RegisterHost', host, { host: p9Host(host) });
    expect((await run(noop)).answer.data).toMatchObject({ streamVersion: '2', eventIds: [] });
    expect(recorder.causedBy(register.id).map((e) => e.type)).toEqual(['HostRegistered', 'CommandApplied']);
    expect(await streamVersion(host)).toBe('2');
    expect(owner.counters.duplicates).toBeGreaterThanOrEqual(2);
  });

  it('dead-letters a poison message and goes on with the next command', async () => {
    const host = hostId();
    await sender.sendRaw(commands, host, 'this is {not json');
    const register = commandEnvelope('RegisterHost', host, { host: p9Host(host) });
    await sender.send(commands, register);
    await waitFor('dead letter', () =>
      recorder.messages.some((m) => m.topic === `${commands}.dlq` && m.value === 'this is {not json'),
    );
    expect((await recorder.answer(register.id)).type).toBe('CommandApplied');
    // Another owner's command and a command with a mismatched host are answered, not dead-lettered.
    const foreign = commandEnvelope('CreateVm', host, { vmId: 'v' });
    expect((await run(foreign)).answer.data).toMatchObject({ code: 'VALIDATION', problems: [{ path: 'type' }] });
    expect(DLQ_HEADERS.error).toBe('x-error');
  });
});

describe('pe-registry: which VM holds which PE, learnt from guest.events', () => {
  const host = hostId();
  /** A guest-memory event as guest-memory's outbox publishes it. */
  const guestEvent = (type: 'PeAssigned' | 'PeReleased', data: Record<string, unknown>): Envelope => ({
    ...commandEnvelope(type, host, data, { principal: 'provisioner:test' }),
    streamId: `guests-${host}`,
    streamVersion: '1',
    occurredAt: new Date().toISOString(),
    causationId: randomUUID(),
  });
  const heldBy = (cause: Envelope) =>
    recorder.causedBy(cause.id).filter((e) => e.type === 'PeHeld' || e.type === 'PeFreed');
  const nicPe = p9Pes[0];
  const topPe = p9Pes[1];
  let assigned: Envelope;

  it('records PeHeld caused by PeAssigned, and refuses an import sent right after it that drops the PE (409 CONFLICT naming the VM and the PE)', async () => {
    await registered(host);
    assigned = guestEvent('PeAssigned', { vmId: 'vm-a', peId: '0004:01', functions: [NIC, USB] });
    await sender.send(guestEvents, assigned);
    // Not waiting for PeHeld: the import waits for pe-registry's reaction to catch up with guest.events.
    const drop = commandEnvelope('ImportTopology', host, { pes: [topPe] });
    const { answer, events: caused } = await run(drop);
    expect(caused).toEqual([]);
    expect(answer).toMatchObject({
      type: 'CommandRejected',
      data: { commandType: 'ImportTopology', code: 'CONFLICT' },
    });
    expect(answer.data.message).toMatch(/PE "0004:01" is given to VM "vm-a"/);
    expect(answer.data.problems).toEqual([
      {
        path: 'pes',
        message: `PE "0004:01" is given to VM "vm-a": ImportTopology drops the PE, removes ${NIC}, ${USB}; release the PE from the VM first`,
      },
    ]);
    const [held] = heldBy(assigned);
    expect(held).toMatchObject({
      type: 'PeHeld',
      hostId: host,
      streamId: `host-${host}`,
      streamVersion: '3',
      data: { vmId: 'vm-a', peId: '0004:01' },
      causationId: assigned.id,
      correlationId: assigned.correlationId,
      principal: 'provisioner:test',
    });
    // Derived holds are not answered.
    expect(recorder.causedBy(assigned.id).filter((e) => e.type.startsWith('Command'))).toEqual([]);
  });

  it('records a redelivered PeAssigned once', async () => {
    await sender.send(guestEvents, assigned);
    const other = guestEvent('PeAssigned', { vmId: 'vm-b', peId: '0005:01', functions: [topPe.functions[0].bdf] });
    await sender.send(guestEvents, other);
    // Same host, same partition: once vm-b's hold is in, the copy before it was handled.
    await recorder.waitForEnvelope('vm-b holds 0005:01', (e) => e.type === 'PeHeld' && e.causationId === other.id);
    expect(heldBy(assigned)).toHaveLength(1);
    expect(await streamVersion(host)).toBe('4');
  });

  it('refuses a re-partition and RemoveFunction of a held PE, and accepts an import that only moves BARs', async () => {
    const [nic, usb] = nicPe.functions;
    const repartition = commandEnvelope('ImportTopology', host, {
      pes: [
        { id: '0004:01', functions: [nic] },
        { ...topPe, functions: [...topPe.functions, usb] },
      ],
    });
    const refused = (await run(repartition)).answer;
    expect(refused.data).toMatchObject({ code: 'CONFLICT' });
    expect((refused.data.problems as { path: string; message: string }[]).map((p) => [p.path, p.message])).toEqual([
      [
        'pes[0]',
        `PE "0004:01" is given to VM "vm-a": ImportTopology moves ${USB} to PE "0005:01"; release the PE from the VM first`,
      ],
      ['pes[1]', `PE "0005:01" is given to VM "vm-b": ImportTopology adds ${USB}; release the PE from the VM first`],
    ]);
    const remove = (await run(commandEnvelope('RemoveFunction', host, { bdf: USB }))).answer;
    expect(remove.data).toMatchObject({
      code: 'CONFLICT',
      problems: [{ path: 'bdf', message: expect.stringContaining('VM "vm-a"') }],
    });

    const moved = { ...usb, bars: [{ index: 0, kind: 'mem32', address: '0x3fe080011000', size: '0x1000' }] };
    const barsOnly = await run(
      commandEnvelope('ImportTopology', host, { pes: [{ ...nicPe, functions: [nic, moved] }, topPe] }),
    );
    expect(barsOnly.answer.type).toBe('CommandApplied');
    expect(barsOnly.events[0].data).toMatchObject({ added: [], removed: [], changed: [USB] });
    expect(await streamVersion(host)).toBe('5');
  });

  it('gives the same answer after a restart (the holds are in the host stream), and accepts the import once PeReleased arrived', async () => {
    await owner.stop();
    owner = owners[0] = testOwner(peRegistryOwner, ns);
    await owner.start();
    const again = (await run(commandEnvelope('ImportTopology', host, { pes: [topPe] }))).answer;
    expect(again.data).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('VM "vm-a"') });

    const released = guestEvent('PeReleased', { vmId: 'vm-a', peId: '0004:01' });
    await sender.send(guestEvents, released);
    const imported = await run(commandEnvelope('ImportTopology', host, { pes: [topPe] }));
    expect(imported.answer.type).toBe('CommandApplied');
    expect(imported.events[0].data).toMatchObject({ removed: [NIC, USB] });
    expect(heldBy(released)).toEqual([
      expect.objectContaining({ type: 'PeFreed', data: { vmId: 'vm-a', peId: '0004:01' }, streamVersion: '6' }),
    ]);
    expect(await streamVersion(host)).toBe('7');
  });
});
