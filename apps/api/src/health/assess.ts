import { namespacedSchema } from '@barplane/eventstore';
import type { HealthSettings } from '../api-config';

/** The services whose heartbeats readiness requires, each with its base schema. */
export const HEARTBEAT_SERVICES = [
  { service: 'pe-registry', schema: 'pe_registry' },
  { service: 'vfio-regions', schema: 'vfio_regions' },
  { service: 'guest-memory', schema: 'guest_memory' },
  { service: 'projector', schema: 'projector' },
] as const;

export type HeartbeatService = (typeof HEARTBEAT_SERVICES)[number]['service'];

/** `<namespace><schema>` as the services name their schemas (dots and the like become `_`). */
export function serviceSchema(namespace: string, schema: string): string {
  return namespacedSchema(namespace, schema);
}

/** What a service writes in its heartbeat's `report` (libs/owner-service, apps/projector). */
export interface HeartbeatReport {
  pid?: number;
  host?: string;
  consumers?: { group: string; topics: string[]; state: 'starting' | 'running' | 'crashed'; error?: string }[];
  kafka?: {
    measuredAt: string | null;
    error?: string;
    lag: { group: string; topic: string; partition: number; lag: number }[];
    dlq: { topic: string; depth: number }[];
  };
  outboxQuarantined?: number;
}

/** One row of `<schema>.heartbeats`, ages measured on PostgreSQL's clock. */
export interface HeartbeatRow {
  instanceId: string;
  /** Since the last beat. */
  beatAgeMs: number;
  /** Since the process started beating. */
  uptimeMs: number;
  /** Messages in the outbox not yet published (at the last beat). */
  outboxPending: number;
  /** Age of the oldest of them at the last beat; null when there are none. */
  outboxOldestAgeMs: number | null;
  report: HeartbeatReport;
}

/** A component of readiness: up or down, with what was seen (and why, when down). */
export interface ComponentHealth {
  up: boolean;
  details: Record<string, unknown>;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * A service's readiness from its heartbeat rows (one per process): up when a process beat
 * within `staleMs`, its consumers run, its outbox holds nothing older than `outboxMaxAgeMs`
 * and nothing refused for good, and the dead-letter topics of what it consumes hold at most
 * `maxDlqMessages`. Down otherwise, with every reason in one sentence.
 */
export function assessService(
  rows: readonly HeartbeatRow[],
  settings: HealthSettings,
  now = Date.now(),
): ComponentHealth {
  if (rows.length === 0)
    return {
      up: false,
      details: { reason: 'no heartbeat: the service is not running (never started, or stopped)', instances: 0 },
    };
  const fresh = rows.filter((r) => r.beatAgeMs <= settings.staleMs).sort((a, b) => a.beatAgeMs - b.beatAgeMs);
  if (fresh.length === 0) {
    const last = [...rows].sort((a, b) => a.beatAgeMs - b.beatAgeMs)[0];
    return {
      up: false,
      details: {
        reason: `no heartbeat for ${seconds(last.beatAgeMs)} (limit ${seconds(settings.staleMs)}): its process ${last.instanceId} died or hangs`,
        instances: 0,
        heartbeatAgeMs: Math.round(last.beatAgeMs),
      },
    };
  }

  const reasons: string[] = [];
  const newest = fresh[0];
  const consumers = fresh.flatMap((r) => (r.report.consumers ?? []).map((c) => ({ ...c, instance: r.instanceId })));
  for (const c of consumers.filter((c) => c.state === 'crashed'))
    reasons.push(`consumer ${c.group} crashed${c.error ? `: ${c.error}` : ''}`);
  for (const c of consumers.filter((c) => c.state === 'starting'))
    reasons.push(`consumer ${c.group} has not joined its group yet`);

  // Every process of a service shares its schema's outbox: the newest beat says it best.
  const outbox = {
    pending: newest.outboxPending,
    oldestAgeMs: newest.outboxOldestAgeMs,
    quarantined: newest.report.outboxQuarantined ?? 0,
  };
  if (outbox.oldestAgeMs !== null && outbox.oldestAgeMs > settings.outboxMaxAgeMs) {
    reasons.push(
      `outbox stuck: ${outbox.pending} messages unpublished, the oldest for ${seconds(outbox.oldestAgeMs)} (limit ${seconds(settings.outboxMaxAgeMs)})`,
    );
  }
  if (outbox.quarantined > 0)
    reasons.push(
      `outbox: ${outbox.quarantined} rows refused by the broker for good (quarantined; see their last_error)`,
    );

  // Dead letters and lag: each process measures the same topics; keep the largest figure.
  const deadLetters: Record<string, number> = {};
  const lag = new Map<string, { group: string; topic: string; total: number; partitions: Record<number, number> }>();
  let figuresAgeMs: number | null = null;
  const kafkaErrors: string[] = [];
  for (const r of fresh) {
    const kafka = r.report.kafka;
    if (!kafka) continue;
    if (kafka.error) kafkaErrors.push(kafka.error);
    if (kafka.measuredAt) {
      const age = Math.max(0, now - Date.parse(kafka.measuredAt));
      figuresAgeMs = figuresAgeMs === null ? age : Math.min(figuresAgeMs, age);
    }
    for (const d of kafka.dlq) deadLetters[d.topic] = Math.max(deadLetters[d.topic] ?? 0, d.depth);
    for (const l of kafka.lag) {
      const key = `${l.group}\n${l.topic}`;
      let entry = lag.get(key);
      if (!entry) lag.set(key, (entry = { group: l.group, topic: l.topic, total: 0, partitions: {} }));
      entry.partitions[l.partition] = Math.max(entry.partitions[l.partition] ?? 0, l.lag);
      entry.total = Object.values(entry.partitions).reduce((a, b) => a + b, 0);
    }
  }
  const dlqTotal = Object.values(deadLetters).reduce((a, b) => a + b, 0);
  if (dlqTotal > settings.maxDlqMessages) {
    const held = Object.entries(deadLetters)
      .filter(([, n]) => n > 0)
      .map(([topic, n]) => `${topic} holds ${n} message${n === 1 ? '' : 's'}`);
    reasons.push(
      `dead letters: ${held.join(', ')}${settings.maxDlqMessages > 0 ? ` (limit ${settings.maxDlqMessages})` : ''}`,
    );
  }

  const details: Record<string, unknown> = {
    instances: fresh.length,
    ...(rows.length > fresh.length ? { staleInstances: rows.length - fresh.length } : {}),
    heartbeatAgeMs: Math.round(newest.beatAgeMs),
    uptimeMs: Math.round(newest.uptimeMs),
    consumers: consumers.map((c) => ({ group: c.group, state: c.state })),
    outbox,
    deadLetters,
    consumerLag: [...lag.values()],
    ...(figuresAgeMs !== null ? { kafkaFiguresAgeMs: figuresAgeMs } : { kafkaFigures: 'not measured yet' }),
    ...(kafkaErrors.length > 0 ? { kafkaFiguresError: kafkaErrors[0] } : {}),
  };
  return reasons.length === 0
    ? { up: true, details }
    : { up: false, details: { reason: reasons.join('; '), ...details } };
}
