import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseEnvelope } from '@barplane/contracts';
import { BatchConsumerRunner, MessagingClient, ensureTopics } from '@barplane/messaging';
import { API_CONFIG, ApiConfig } from '../api-config';
import { KAFKA_CLIENT } from '../commands/command-gateway';
import { KafkaStartup } from '../commands/kafka-startup';

/** One decision change as the stream sends it. */
export interface StreamedDecision {
  readonly id: string;
  readonly data: Record<string, unknown>;
}

/**
 * Fans `decisions.events` out to the SSE clients of this API instance: a consumer group of
 * its own, starting at the end (history comes from the audit log), deleted when it stops.
 */
@Injectable()
export class DecisionStream implements OnModuleInit, OnApplicationShutdown {
  private runner?: BatchConsumerRunner;
  private startup?: KafkaStartup;
  private readonly clients = new Set<(d: StreamedDecision) => void>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: MessagingClient,
  ) {}

  async onModuleInit(): Promise<void> {
    // With Kafka away at start-up the API starts anyway; the stream joins when Kafka answers.
    this.startup = new KafkaStartup(
      'decision stream',
      this.config.kafkaBrokers.split(','),
      () => this.join(),
      this.config.health.timeoutMs,
    );
    await this.startup.begin();
  }

  private async join(): Promise<void> {
    const topic = `${this.config.namespace}decisions.events`;
    await ensureTopics(this.kafka, [topic]);
    const runner = new BatchConsumerRunner(
      this.kafka,
      {
        groupId: `${this.config.namespace}api-stream-${randomUUID()}`,
        topics: [topic],
        fromBeginning: false,
        transientGroup: true,
      },
      // 'skipped' either way: the group is this instance's alone, starts at the end and is
      // deleted when it stops, so its offsets guard nothing and are committed a second later
      // with every partition's in one request, not one request per batch.
      async (messages) => {
        // Nobody listening: nothing to decode (the stream carries every decision of the fleet).
        if (this.clients.size === 0) return 'skipped';
        for (const m of messages) {
          const e = parseEnvelope(m.value);
          if (!e) continue;
          const d = streamed(e.data as Record<string, unknown>);
          for (const send of this.clients) send(d);
        }
        return 'skipped';
      },
    );
    this.runner = runner;
    try {
      await runner.start();
    } catch (error) {
      // A later attempt starts a runner of its own.
      this.runner = undefined;
      await runner.stop().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.startup?.stop();
    await this.runner?.stop();
  }

  subscribe(send: (d: StreamedDecision) => void): () => void {
    this.clients.add(send);
    return () => this.clients.delete(send);
  }
}

/** An audit record (or DecisionChanged data) as a stream event: id `<host>/<seq>`. */
export function streamed(record: Record<string, unknown>): StreamedDecision {
  const { hostId, seq, subject, vmId, outcome, previous, ruleSet, correlationId, principal } = record;
  return {
    id: `${hostId}/${seq}`,
    data: {
      hostId,
      seq,
      subject,
      vmId,
      outcome,
      previous,
      ruleSet,
      correlationId,
      principal,
      auditId: `${hostId}/${seq}`,
    },
  };
}
