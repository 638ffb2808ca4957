import { commandFromWire, decodeEvent } from '@barplane/contracts';
import {
  DomainError,
  evolveHostRegistry,
  type HostRegistryCommand,
  hostRegistryDecider,
  initialHostRegistryState,
  NotFoundError,
} from '@barplane/domain';
import type { StoredEvent } from '@barplane/eventstore';
import { answerEnvelope, eventEnvelope, outboxMessageOf } from './envelopes';
import { withFreshFacts } from './facts-wait';
import { factsFromJson, factsToJson } from './host-facts-view';
import { namespacedSchema } from '@barplane/eventstore';
import { namespacedGroup, namespacedTopic, ownerConfigFromEnv } from './owner-service.config';
import { emptyOwnerCounters } from './owner-counters';
import { ownerNames } from './owner-names';
import { ReactionHandler } from './reaction-handler';
import { p9Host, p9Pes } from './testing/host-fixtures';

const identity = {
  service: 'vfio-regions',
  schema: 'vfio_regions',
  commandTopic: 'vfio.commands',
  eventTopic: 'vfio.events',
  streamPrefix: 'vfio-',
  streamType: 'vfio',
};

describe('names and namespace', () => {
  it('prefixes topics and groups, and turns the namespace into a valid schema prefix', () => {
    expect(namespacedTopic('t1a2b.', 'pe.commands')).toBe('t1a2b.pe.commands');
    expect(namespacedGroup('t1a2b.', 'pe-registry')).toBe('t1a2b.pe-registry');
    expect(namespacedSchema('t1a2b.', 'pe_registry')).toBe('t1a2b_pe_registry');
    expect(namespacedSchema('', 'pe_registry')).toBe('pe_registry');
    expect(namespacedSchema('T-1.x.', 'guest_memory')).toBe('t_1_x_guest_memory');
    expect(() => namespacedSchema('9.', 'x')).toThrow(/schema name/);
  });

  it('reads the environment with local defaults', () => {
    expect(ownerConfigFromEnv(identity, {})).toEqual({
      ...identity,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/barplane',
      kafkaBrokers: ['127.0.0.1:9092'],
      namespace: '',
    });
    const config = ownerConfigFromEnv(identity, {
      KAFKA_BROKERS: 'a:1, b:2',
      BARPLANE_NAMESPACE: 'n.',
      DATABASE_URL: 'postgres://x/y',
    });
    expect(config).toMatchObject({ kafkaBrokers: ['a:1', 'b:2'], namespace: 'n.', databaseUrl: 'postgres://x/y' });
    expect(
      ownerNames(config, {
        usesFacts: true,
        reactions: [{ name: 'guest', topic: 'guest.events', eventTypes: [], commandsFor: () => [] }],
      }),
    ).toEqual({
      schema: 'n_vfio_regions',
      commandTopic: 'n.vfio.commands',
      eventTopic: 'n.vfio.events',
      commandGroup: 'n.vfio-regions',
      factsTopic: 'n.pe.events',
      factsGroup: 'n.vfio-regions-facts',
      reactions: [{ name: 'guest', topic: 'n.guest.events', group: 'n.vfio-regions-guest' }],
    });
  });
});

describe('envelopes', () => {
  it('builds event envelopes from what the store committed, and answers with a new id', () => {
    const stored: StoredEvent = {
      globalPosition: 7n,
      streamId: 'host-h',
      streamVersion: 3n,
      eventId: 'e',
      eventType: 'BarRelocated',
      schemaVersion: 1,
      hostId: 'h',
      data: { address: '0xfffffffffffff000' },
      metadata: { correlationId: 'c', causationId: 'cmd', principal: 'p' },
      occurredAt: '2026-01-01T00:00:00.123456Z',
    };
    const envelope = eventEnvelope(stored);
    expect(envelope).toEqual({
      id: 'e',
      type: 'BarRelocated',
      schemaVersion: 1,
      hostId: 'h',
      streamId: 'host-h',
      streamVersion: '3',
      occurredAt: '2026-01-01T00:00:00.123456Z',
      correlationId: 'c',
      causationId: 'cmd',
      principal: 'p',
      data: { address: '0xfffffffffffff000' },
    });
    expect(outboxMessageOf('n.pe.events', envelope)).toEqual({
      messageId: 'e',
      topic: 'n.pe.events',
      key: 'h',
      headers: { type: 'BarRelocated' },
      payload: envelope,
    });
    const answer = answerEnvelope(
      'CommandConflicted',
      { hostId: 'h', correlationId: 'c', causationId: 'cmd', principal: 'p' },
      {
        commandId: 'cmd',
        commandType: 'RelocateBar',
        expectedVersion: '1',
        actualVersion: '2',
      },
    );
    expect(answer).toMatchObject({
      type: 'CommandConflicted',
      hostId: 'h',
      correlationId: 'c',
      causationId: 'cmd',
      principal: 'p',
    });
    expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('host facts in wire form', () => {
  it('round-trips the folded pe-registry state exactly', () => {
    let state = initialHostRegistryState();
    for (const [type, data] of [
      ['RegisterHost', { host: p9Host('h') }],
      ['ImportTopology', { pes: p9Pes }],
    ] as const) {
      const read = commandFromWire(type, data);
      if (!read.ok) throw new Error('bad fixture');
      state = hostRegistryDecider.decide(read.command as HostRegistryCommand, state).reduce(evolveHostRegistry, state);
    }
    const json = JSON.parse(JSON.stringify(factsToJson(state)));
    expect(factsFromJson(json)).toEqual(state);
    expect(factsFromJson({ host: null, pes: [] })).toEqual(initialHostRegistryState());
    expect(decodeEvent('HostRegistered', { host: json.host })).toBeDefined();
  });
});

describe('withFreshFacts', () => {
  const facts = { host: { id: 'h' }, pes: [] } as never;
  const fast = { attempts: 5, intervalMs: 1 };

  it('waits while facts are missing, then decides', async () => {
    let loads = 0;
    const source = { load: async () => (++loads >= 3 ? facts : undefined), mightBeStale: async () => false };
    const result = await withFreshFacts(
      source,
      'h',
      (f) => {
        if (!f) throw new NotFoundError('no host facts known yet');
        return 'ok';
      },
      fast,
    );
    expect(result).toBe('ok');
    expect(loads).toBe(3);
  });

  it('answers NOT_FOUND at once when the facts are there and current, and after the bound otherwise', async () => {
    let loads = 0;
    const fresh = { load: async () => (loads++, facts), mightBeStale: async () => false };
    const notFound = () => {
      throw new NotFoundError('no function');
    };
    await expect(withFreshFacts(fresh, 'h', notFound, fast)).rejects.toBeInstanceOf(DomainError);
    expect(loads).toBe(1);
    const stale = { load: async () => (loads++, facts), mightBeStale: async () => true };
    await expect(withFreshFacts(stale, 'h', notFound, fast)).rejects.toThrow('no function');
    expect(loads).toBe(6);
    await expect(withFreshFacts(undefined, 'h', notFound, fast)).rejects.toThrow('no function');
  });

  it('lets other errors through at once', async () => {
    const source = { load: async () => undefined, mightBeStale: async () => true };
    await expect(
      withFreshFacts(
        source,
        'h',
        () => {
          throw new Error('boom');
        },
        fast,
      ),
    ).rejects.toThrow('boom');
  });
});

describe('reactions', () => {
  const message = (value: string, headers: Record<string, string>) => ({
    topic: 'guest.events',
    partition: 0,
    offset: '1',
    key: 'h',
    value,
    headers,
    timestamp: '0',
  });
  const handler = () =>
    new ReactionHandler({
      // Nothing below is reached for a batch with no event of interest.
      store: undefined as never,
      definition: { identity, decider: undefined as never } as never,
      reaction: { name: 'guest', topic: 'guest.events', eventTypes: ['PeAssigned'], commandsFor: () => [] },
      eventTopic: 'vfio.events',
      inboxConsumer: 'vfio-regions-guest',
      counters: emptyOwnerCounters(),
    });

  it('skips events of other types by their type header, without reading the value', async () => {
    expect(await handler().handleMessages([message('not json at all', { type: 'GuestBarProgrammed' })])).toEqual([
      'skipped',
    ]);
  });

  it('reads a message without a type header, and fails on one that is not an envelope', async () => {
    const envelope = {
      id: 'e',
      type: 'GuestBarProgrammed',
      schemaVersion: 1,
      hostId: 'h',
      correlationId: 'c',
      principal: 'p',
      data: {},
    };
    expect(await handler().handleMessages([message(JSON.stringify(envelope), {})])).toEqual(['skipped']);
    await expect(handler().handleMessages([message('not json at all', {})])).rejects.toThrow(/not an event envelope/);
  });
});
