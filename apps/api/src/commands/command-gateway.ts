import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '@barplane/domain';
import {
  AnswerStatus,
  BarplaneError,
  COMMAND_TOPIC,
  CommandType,
  Envelope,
  SCHEMA_VERSION,
  commandFromWire,
} from '@barplane/contracts';
import { MAX_MESSAGE_BYTES, MessagePublisher, MessagingClient, ensureTopics, jsonBytes } from '@barplane/messaging';
import { API_CONFIG, ApiConfig } from '../api-config';
import { Principal } from '../auth/role';
import { ReadModels } from '../read-models/read-models';
import { CommandAnswersListener } from './command-answers.listener';
import { IdempotencyKeys } from './idempotency';
import { KafkaStartup } from './kafka-startup';
import { SentCommands } from './sent-commands';

export const KAFKA_CLIENT = Symbol('KafkaClient');

/** Room the envelope takes around a command's data (ids, principal, correlation). */
const ENVELOPE_ROOM = 1024;

/** How often a waiting request looks for its answer without a NOTIFY. */
const POLL_MS = 500;

export interface CommandRequest {
  readonly type: CommandType;
  readonly hostId: string;
  readonly data: Record<string, unknown>;
  readonly principal: Principal;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly expectedVersion?: string;
}

/** What the API can answer about a command it sent: its answer, or pending while none came in time. */
export type CommandReply =
  | {
      readonly status: AnswerStatus;
      readonly commandId: string;
      readonly correlationId: string;
      readonly answer: Envelope;
    }
  | { readonly status: 'pending'; readonly commandId: string; readonly correlationId: string };

/**
 * Checks a command's data against its contract (libs/contracts), as its owner will: the body's
 * pipe checked what the caller sent, this what the controller built from it.
 */
export function checkCommand(req: Pick<CommandRequest, 'type' | 'data'>): void {
  const read = commandFromWire(req.type, req.data, '');
  if (!read.ok) throw BarplaneError.invalid(read.problems.map((p) => ({ ...p, path: p.path.replace(/^\./, '') })));
}

/**
 * Sends a validated command to its owner's topic and waits, bounded, for the answer the
 * projector records (so a 201 means the decisions are already readable).
 */
@Injectable()
export class CommandGateway implements OnModuleInit, OnApplicationShutdown {
  private readonly publisher: MessagePublisher;
  private readonly startup: KafkaStartup;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: MessagingClient,
    private readonly reads: ReadModels,
    private readonly answers: CommandAnswersListener,
    private readonly keys: IdempotencyKeys,
    private readonly sentCommands: SentCommands,
  ) {
    this.publisher = new MessagePublisher(kafka);
    const topics = [...new Set(Object.values(COMMAND_TOPIC))].map((t) => this.config.namespace + t);
    // With Kafka away at start-up the API still starts (reads and /health answer); commands
    // are refused with 503 until the producer is connected.
    this.startup = new KafkaStartup(
      'commands',
      config.kafkaBrokers.split(','),
      async () => {
        await ensureTopics(this.kafka, topics);
        await this.publisher.connect();
      },
      config.health.timeoutMs,
    );
  }

  async onModuleInit(): Promise<void> {
    await this.startup.begin();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.startup.stop();
    await this.publisher.disconnect().catch(() => undefined);
  }

  async send(req: CommandRequest): Promise<CommandReply> {
    checkCommand(req);
    // Refused before anything is stored or published: the broker would refuse the message.
    const bytes = jsonBytes(req.data) + ENVELOPE_ROOM;
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new BarplaneError(
        'TOO_LARGE',
        `${req.type} would be a message of ${bytes} bytes; the broker takes at most ${MAX_MESSAGE_BYTES} (BARPLANE_MAX_MESSAGE_BYTES): split it, e.g. import the topology in parts`,
      );
    }
    if (!this.startup.ready)
      throw new BarplaneError(
        'UNAVAILABLE',
        `commands cannot be sent: Kafka has not answered since the API started (${this.startup.reason})`,
      );
    let commandId: string = randomUUID();
    let first = true;
    if (req.idempotencyKey) {
      const body = sha256Hex(canonicalJson({ type: req.type, hostId: req.hostId, data: req.data }));
      const claim = await this.keys.claim(req.idempotencyKey, body, commandId);
      if (claim === 'mismatch')
        throw new BarplaneError(
          'IDEMPOTENCY_MISMATCH',
          `Idempotency-Key "${req.idempotencyKey}" was used with another body`,
        );
      ({ commandId, first } = claim);
    }
    const correlationId = req.correlationId ?? commandId;
    let sent: Armed | undefined;
    if (first || !(await this.reads.commandStatus(commandId))) {
      const envelope: Envelope = {
        id: commandId,
        type: req.type,
        schemaVersion: SCHEMA_VERSION,
        hostId: req.hostId,
        correlationId,
        principal: req.principal.name,
        ...(req.expectedVersion !== undefined ? { expectedVersion: req.expectedVersion } : {}),
        data: req.data,
      };
      // Recorded before publishing: from here on GET /v1/commands/{id} answers pending, not 404.
      if (first) await this.sentCommands.record(commandId, req.hostId);
      // Listening before publishing: the answer's NOTIFY cannot come before we wait for it.
      sent = this.answers.arm(commandId, Math.min(this.config.commandWaitMs, POLL_MS));
      await this.publisher.publish([
        { topic: this.config.namespace + COMMAND_TOPIC[req.type], key: req.hostId, value: JSON.stringify(envelope) },
      ]);
    }
    return this.outcome(commandId, correlationId, this.config.commandWaitMs, sent);
  }

  /** Whether this API (or another instance on the same database) ever published `commandId`. */
  known(commandId: string): Promise<boolean> {
    return this.sentCommands.known(commandId);
  }

  /**
   * The command's answer if the projector has it within `ms`, else pending. `sent`: armed when
   * the command was just published, so no answer can be there yet: its NOTIFY, which usually
   * carries the answer, is awaited before looking.
   */
  async outcome(commandId: string, correlationId: string, ms: number, sent?: Armed): Promise<CommandReply> {
    const deadline = Date.now() + ms;
    let wake = sent;
    for (;;) {
      if (wake) {
        const notice = await wake.woken;
        if (notice?.answer) return outcomeOf(notice.status!, notice.answer, commandId, correlationId);
      }
      // Armed first: the NOTIFY of an answer committed while the query runs still wakes us.
      // The timeout is the backstop for a NOTIFY lost with the listener's connection.
      wake = this.answers.arm(commandId, Math.max(0, Math.min(deadline - Date.now(), POLL_MS)));
      const row = await this.reads.commandStatus(commandId);
      if (row) {
        wake.cancel();
        return outcomeOf(row.status, row.answer as unknown as Envelope, commandId, correlationId);
      }
      if (deadline - Date.now() <= 0) {
        wake.cancel();
        return { status: 'pending', commandId, correlationId };
      }
    }
  }
}

type Armed = ReturnType<CommandAnswersListener['arm']>;

function outcomeOf(status: string, answer: Envelope, commandId: string, correlationId: string): CommandReply {
  return { status: status as AnswerStatus, commandId, correlationId: answer.correlationId ?? correlationId, answer };
}
