// Quick, bounded questions to the broker for health checks and heartbeats: is it there, how far
// behind is a consumer group, how many messages wait in a dead-letter topic. Import it as
// `@barplane/messaging/kafka-health` (kept out of the library's index on purpose: a file of
// its own, beside the consumers, that the retry and dead-letter code does not depend on).
import { type Admin, Kafka, logLevel as LogLevel } from 'kafkajs';
import type { MessagingClient } from './kafka-from-env';
import { stopRequestQueueIdleLoop } from './request-queue-idle';
import { dlqTopicOf } from './topics';

/**
 * A client for health questions: short connection and request timeouts, no retries (kafkajs'
 * defaults retry a refused connection for about 10 s), and no log lines (a broker that is away
 * is the answer, not an error to print every few seconds).
 */
export function quickKafkaClient(clientId: string, brokers: readonly string[], timeoutMs = 1000): MessagingClient {
  stopRequestQueueIdleLoop();
  return new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: Math.max(100, Math.min(timeoutMs, 1000)),
    requestTimeout: Math.max(100, timeoutMs),
    retry: { retries: 0 },
    logLevel: LogLevel.NOTHING,
  });
}

export type KafkaProbe = { ok: true; brokers: number } | { ok: false; reason: string };

/**
 * Connects to `brokers` and asks for the cluster, within `timeoutMs` whatever happens (a
 * refused connection answers at once, a silent host after the connection timeout). Never
 * throws. The connection is closed once the attempt settles, even after the deadline.
 */
export async function probeKafka(brokers: readonly string[], timeoutMs = 800): Promise<KafkaProbe> {
  const admin = quickKafkaClient('barplane-health', brokers, timeoutMs).admin();
  const attempt = admin.connect().then(() => admin.describeCluster());
  void attempt.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
  try {
    const cluster = await within(attempt, timeoutMs, `no answer from ${brokers.join(',')} within ${timeoutMs} ms`);
    return { ok: true, brokers: cluster.brokers.length };
  } catch (error) {
    return { ok: false, reason: `${brokers.join(',')}: ${messageOf(error)}` };
  }
}

/** A consumer group and the topics it reads. */
export interface ConsumerWatch {
  groupId: string;
  topics: readonly string[];
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Messages written to the partition that the group has not committed yet. */
  lag: number;
}

export interface DlqDepth {
  /** The dead-letter topic (`<topic>.dlq`). */
  topic: string;
  /** Messages it holds (high minus low watermark, over its partitions). */
  depth: number;
}

export interface KafkaFiguresSnapshot {
  /** When the figures below were measured (ISO time), null before the first success. */
  measuredAt: string | null;
  /** Why the last measurement failed; absent when it succeeded. */
  error?: string;
  lag: PartitionLag[];
  dlq: DlqDepth[];
}

export interface ConsumerHealthOptions {
  clientId?: string;
  /** Bound of one measurement. Default 2000 ms. */
  timeoutMs?: number;
}

export type ConsumerState = 'starting' | 'running' | 'crashed';

/** What a heartbeat says of a process's consumers (JSON). */
export interface ConsumerReport {
  consumers: { group: string; topics: string[]; state: ConsumerState; error?: string }[];
  kafka: KafkaFiguresSnapshot;
}

/**
 * A service's consumer groups as its heartbeat reports them: whether each runs (or crashed for
 * good), and their lag and dead-letter depth, measured with a quick admin client: per
 * measurement one ListOffsets pair per topic and per DLQ, and one OffsetFetch per group (a
 * handful of small requests every few seconds). A measurement that fails or runs past its
 * bound keeps the last figures and says why; one in flight is never doubled.
 */
export class ConsumerHealth {
  private readonly client: MessagingClient;
  private readonly timeoutMs: number;
  private readonly states = new Map<string, { state: ConsumerState; error?: string }>();
  private admin?: Admin;
  private current: KafkaFiguresSnapshot = { measuredAt: null, lag: [], dlq: [] };
  private inFlight?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    brokers: readonly string[],
    private readonly watches: readonly ConsumerWatch[],
    options: ConsumerHealthOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.client = quickKafkaClient(options.clientId ?? 'barplane-health', brokers, this.timeoutMs);
    for (const w of watches) this.states.set(w.groupId, { state: 'starting' });
  }

  /** The group's consumer has joined and consumes. */
  running(groupId: string): void {
    if (this.states.get(groupId)?.state !== 'crashed') this.states.set(groupId, { state: 'running' });
  }

  /** The group's consumer crashed for good (kafkajs will not restart it). */
  crashed(groupId: string, error: Error): void {
    this.states.set(groupId, { state: 'crashed', error: error.message.slice(0, 500) });
  }

  /** Consumers and figures, for the heartbeat row. */
  report(): ConsumerReport {
    return {
      consumers: this.watches.map((w) => ({
        group: w.groupId,
        topics: [...w.topics],
        ...(this.states.get(w.groupId) ?? { state: 'starting' as const }),
      })),
      kafka: this.snapshot(),
    };
  }

  /** The latest figures (a copy). */
  snapshot(): KafkaFiguresSnapshot {
    return { ...this.current, lag: [...this.current.lag], dlq: [...this.current.dlq] };
  }

  /**
   * Measures now and then every `intervalMs`, at most once a second however often the process
   * beats (the first measurement is not awaited).
   */
  start(intervalMs: number): void {
    if (this.timer || this.closed) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), Math.max(intervalMs, 1000));
    this.timer.unref();
  }

  /** One measurement (or the one already in flight); never throws. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.inFlight ??= this.measure().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async measure(): Promise<void> {
    try {
      const figures = await within(this.read(), this.timeoutMs, `no answer within ${this.timeoutMs} ms`);
      this.current = { measuredAt: new Date().toISOString(), ...figures };
    } catch (error) {
      this.current = { ...this.current, error: messageOf(error) };
      // Start from a fresh connection next time.
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
    }
  }

  private async read(): Promise<{ lag: PartitionLag[]; dlq: DlqDepth[] }> {
    if (!this.admin) {
      const admin = this.client.admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const topics = [...new Set(this.watches.flatMap((w) => w.topics))];
    // One request after the other: a few milliseconds each, and kafkajs without retries fails
    // concurrent first requests of a fresh admin client ("No brokers in the broker pool").
    const ends: (readonly [string, Awaited<ReturnType<Admin['fetchTopicOffsets']>>])[] = [];
    const dlq: DlqDepth[] = [];
    for (const topic of topics) {
      ends.push([topic, await admin.fetchTopicOffsets(topic)]);
      dlq.push(await dlqDepth(admin, dlqTopicOf(topic)));
    }
    const committed: (readonly [string, Awaited<ReturnType<Admin['fetchOffsets']>>])[] = [];
    for (const w of this.watches)
      committed.push([w.groupId, await admin.fetchOffsets({ groupId: w.groupId, topics: [...w.topics] })]);
    const endOf = new Map(ends);
    const lag: PartitionLag[] = [];
    for (const [group, perTopic] of committed) {
      for (const { topic, partitions } of perTopic) {
        for (const end of endOf.get(topic) ?? []) {
          const done = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          // No commit yet (-1), or one behind what retention kept: what the partition holds is to be read.
          const from = Math.max(done, Number(end.low));
          lag.push({ group, topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
        }
      }
    }
    return { lag, dlq };
  }
}

/** Messages held by a dead-letter topic; 0 when it does not exist (nothing was ever dead-lettered). */
async function dlqDepth(admin: Admin, topic: string): Promise<DlqDepth> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return { topic, depth: offsets.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0) };
  } catch (error) {
    if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(messageOf(error))) return { topic, depth: 0 };
    throw error;
  }
}

function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
