import { Inject, Injectable, Logger } from '@nestjs/common';
import { probeKafka } from '@barplane/messaging/kafka-health';
import { API_CONFIG, ApiConfig } from '../api-config';
import { assessService, ComponentHealth, HEARTBEAT_SERVICES, HeartbeatRow, HeartbeatService } from './assess';
import { ServiceHeartbeats } from './service-heartbeats';

export interface ReadinessResult {
  ready: boolean;
  /** `database`, `kafka`, then each service, in that order. */
  components: Record<string, ComponentHealth>;
  /** The heartbeat rows read (undefined when the database did not answer). */
  heartbeats?: Map<HeartbeatService, HeartbeatRow[]>;
}

/**
 * Whether the control plane can serve: PostgreSQL and Kafka answer the API, and every service
 * has a fresh heartbeat with its consumers running, no outbox message older than the limit and
 * no dead letter. The two probes run side by side, each bounded by the health timeout, so the
 * answer comes within about that timeout whatever is down. Callers that arrive while a check
 * runs share it (a scrape's gauges, a burst of probes).
 */
@Injectable()
export class Readiness {
  private readonly log = new Logger('health');
  private inFlight?: Promise<ReadinessResult>;
  private lastDown: string | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly heartbeats: ServiceHeartbeats,
  ) {}

  check(): Promise<ReadinessResult> {
    this.inFlight ??= this.evaluate().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async evaluate(): Promise<ReadinessResult> {
    const settings = this.config.health;
    const brokers = this.config.kafkaBrokers
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    const [read, kafka] = await Promise.all([
      within(this.heartbeats.read(), settings.timeoutMs, `no answer within ${settings.timeoutMs} ms`).then(
        (rows) => ({ ok: true as const, rows }),
        (error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }),
      ),
      probeKafka(brokers, settings.timeoutMs),
    ]);
    const components: Record<string, ComponentHealth> = {
      database: read.ok
        ? { up: true, details: {} }
        : { up: false, details: { reason: `PostgreSQL does not answer: ${read.reason}` } },
      kafka: kafka.ok
        ? { up: true, details: { brokers: kafka.brokers } }
        : { up: false, details: { reason: `Kafka does not answer: ${kafka.reason}` } },
    };
    for (const { service } of HEARTBEAT_SERVICES) {
      components[service] = read.ok
        ? assessService(read.rows.get(service) ?? [], settings)
        : { up: false, details: { reason: 'unknown: its heartbeat is in PostgreSQL, which does not answer' } };
    }
    const ready = Object.values(components).every((c) => c.up);
    this.logChange(components);
    return { ready, components, heartbeats: read.ok ? read.rows : undefined };
  }

  /** One line when the set of components down changes (not one per probe). */
  private logChange(components: Record<string, ComponentHealth>): void {
    const down = Object.entries(components).filter(([, c]) => !c.up);
    const key = down.map(([name]) => name).join(',');
    if (key === this.lastDown) return;
    if (down.length > 0)
      this.log.warn(`not ready: ${down.map(([name, c]) => `${name}: ${String(c.details.reason)}`).join('; ')}`);
    else if (this.lastDown !== undefined) this.log.log('ready: every component is up');
    this.lastDown = key;
  }
}

function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
