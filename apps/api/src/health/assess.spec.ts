import { DEFAULT_HEALTH } from '../api-config';
import { assessService, HeartbeatRow, serviceSchema } from './assess';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function row(over: Partial<HeartbeatRow> = {}): HeartbeatRow {
  return {
    instanceId: 'host/1234/abcd',
    beatAgeMs: 1_000,
    uptimeMs: 60_000,
    outboxPending: 0,
    outboxOldestAgeMs: null,
    report: {
      consumers: [{ group: 'pe-registry', topics: ['pe.commands'], state: 'running' }],
      kafka: {
        measuredAt: new Date(NOW - 2_000).toISOString(),
        lag: [0, 1, 2].map((partition) => ({ group: 'pe-registry', topic: 'pe.commands', partition, lag: partition })),
        dlq: [{ topic: 'pe.commands.dlq', depth: 0 }],
      },
    },
    ...over,
  };
}

describe('assessService: a service from its heartbeat rows', () => {
  it('is up with a fresh beat, running consumers, an empty outbox and no dead letter; lag and figures are reported', () => {
    const health = assessService([row()], DEFAULT_HEALTH, NOW);
    expect(health.up).toBe(true);
    expect(health.details).toMatchObject({
      instances: 1,
      heartbeatAgeMs: 1_000,
      outbox: { pending: 0, oldestAgeMs: null, quarantined: 0 },
      deadLetters: { 'pe.commands.dlq': 0 },
      consumerLag: [{ group: 'pe-registry', topic: 'pe.commands', total: 3, partitions: { 0: 0, 1: 1, 2: 2 } }],
      kafkaFiguresAgeMs: 2_000,
    });
    expect(health.details.reason).toBeUndefined();
  });

  it('is down without any row: not running', () => {
    expect(assessService([], DEFAULT_HEALTH, NOW)).toEqual({
      up: false,
      details: expect.objectContaining({ reason: expect.stringMatching(/^no heartbeat: the service is not running/) }),
    });
  });

  it('is down when the newest beat is older than the limit, naming the process and the age', () => {
    const health = assessService([row({ beatAgeMs: 42_000 })], DEFAULT_HEALTH, NOW);
    expect(health.up).toBe(false);
    expect(health.details.reason).toBe('no heartbeat for 42 s (limit 15 s): its process host/1234/abcd died or hangs');
  });

  it('is up while one process beats, even beside the stale row of a dead one', () => {
    const health = assessService([row({ instanceId: 'dead', beatAgeMs: 600_000 }), row()], DEFAULT_HEALTH, NOW);
    expect(health).toMatchObject({ up: true, details: { instances: 1, staleInstances: 1 } });
  });

  it('is down with a stuck outbox, saying how many and how old', () => {
    const health = assessService([row({ outboxPending: 7, outboxOldestAgeMs: 45_500 })], DEFAULT_HEALTH, NOW);
    expect(health.up).toBe(false);
    expect(health.details.reason).toBe('outbox stuck: 7 messages unpublished, the oldest for 45.5 s (limit 30 s)');
  });

  it('is up with a young backlog (the relay is publishing)', () => {
    expect(assessService([row({ outboxPending: 500, outboxOldestAgeMs: 200 })], DEFAULT_HEALTH, NOW).up).toBe(true);
  });

  it('is down with dead letters, naming the topic and the count', () => {
    const dead = row();
    dead.report.kafka!.dlq = [{ topic: 'pe.commands.dlq', depth: 2 }];
    const health = assessService([dead], DEFAULT_HEALTH, NOW);
    expect(health.up).toBe(false);
    expect(health.details.reason).toBe('dead letters: pe.commands.dlq holds 2 messages');
    expect(assessService([dead], { ...DEFAULT_HEALTH, maxDlqMessages: 2 }, NOW).up).toBe(true);
  });

  it('is down when a consumer crashed or has not joined, and says every reason at once', () => {
    const crashed = row({ outboxPending: 1, outboxOldestAgeMs: 31_000 });
    crashed.report.consumers = [
      { group: 'vfio-regions', topics: ['vfio.commands'], state: 'crashed', error: 'the coordinator is not available' },
      { group: 'vfio-regions-facts', topics: ['pe.events'], state: 'starting' },
    ];
    const health = assessService([crashed], DEFAULT_HEALTH, NOW);
    expect(health.details.reason).toBe(
      'consumer vfio-regions crashed: the coordinator is not available; consumer vfio-regions-facts has not joined its group yet; outbox stuck: 1 messages unpublished, the oldest for 31 s (limit 30 s)',
    );
  });

  it('reports quarantined outbox rows as down', () => {
    const health = assessService([row({ report: { ...row().report, outboxQuarantined: 1 } })], DEFAULT_HEALTH, NOW);
    expect(health.details.reason).toMatch(/^outbox: 1 rows refused by the broker for good/);
  });

  it('names schemas as the services do under a namespace', () => {
    expect(serviceSchema('', 'pe_registry')).toBe('pe_registry');
    expect(serviceSchema('T1ab.', 'projector')).toBe('t1ab_projector');
  });
});
