import { Logger } from '@nestjs/common';
import { probeKafka } from '@barplane/messaging/kafka-health';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 10_000;

/**
 * A Kafka set-up step of the API (create topics, connect the producer, join a group) that does
 * not keep the API from starting while Kafka is away. When the broker answers a quick probe at
 * start-up, the step runs then, as before, and its failure fails the start. When it does not,
 * the API starts without it (reads, /health/live, and a /health that says Kafka is down all
 * work) and the step is retried in the background, the probe first, backing off from 1 to 10 s.
 */
export class KafkaStartup {
  private readonly log: Logger;
  private done = false;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastError = 'not connected yet';

  constructor(
    private readonly what: string,
    private readonly brokers: readonly string[],
    private readonly step: () => Promise<void>,
    private readonly probeTimeoutMs = 800,
  ) {
    this.log = new Logger(what);
  }

  /** Whether the step has succeeded. */
  get ready(): boolean {
    return this.done;
  }

  /** Why it has not (the last failure). */
  get reason(): string {
    return this.lastError;
  }

  async begin(): Promise<void> {
    const probe = await probeKafka(this.brokers, this.probeTimeoutMs);
    if (probe.ok) {
      await this.step();
      this.done = true;
      return;
    }
    this.lastError = probe.reason;
    this.log.warn(`Kafka does not answer (${probe.reason}): starting without it, retrying in the background`);
    this.loop = this.retry();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async retry(): Promise<void> {
    for (let delay = FIRST_RETRY_MS; !this.stopped; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) return;
      const probe = await probeKafka(this.brokers, this.probeTimeoutMs);
      if (!probe.ok) {
        this.lastError = probe.reason;
        continue;
      }
      try {
        await this.step();
        this.done = true;
        this.log.log('connected to Kafka');
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.log.warn(`Kafka set-up failed, retrying: ${this.lastError}`);
      }
    }
  }
}
