import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { HeartbeatRow, HeartbeatService } from '../health/assess';
import { Readiness, ReadinessResult } from '../health/readiness';
import { scrapedGauge } from './scraped-gauge';

/**
 * The figures of /health as gauges, measured at each scrape (one readiness check shared by all
 * of them): each component up or down, and per service its heartbeat age, outbox backlog,
 * dead letters and consumer lag.
 */
@Injectable()
export class HealthMetrics implements OnModuleInit {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    const readiness = this.readiness;
    // Readiness.check shares one evaluation between the gauges of a scrape.
    const check = () => readiness.check();
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, r: ReadinessResult) => void) =>
      scrapedGauge(this.registry, check, name, help, labelNames, fill);
    const rowsOf = (r: ReadinessResult) => [...(r.heartbeats ?? new Map<HeartbeatService, HeartbeatRow[]>()).entries()];
    const freshest = (rows: HeartbeatRow[]) => [...rows].sort((a, b) => a.beatAgeMs - b.beatAgeMs)[0];

    gauge(
      'barplane_component_up',
      'Readiness of each component of GET /health (1 up, 0 down): database, kafka and each service',
      ['component'],
      (g, r) => {
        for (const [component, c] of Object.entries(r.components)) g.set({ component }, c.up ? 1 : 0);
      },
    );
    gauge(
      'barplane_heartbeat_age_seconds',
      "Seconds since the service's most recent heartbeat (absent: no heartbeat row)",
      ['service'],
      (g, r) => {
        for (const [service, rows] of rowsOf(r)) if (rows.length) g.set({ service }, freshest(rows).beatAgeMs / 1000);
      },
    );
    gauge(
      'barplane_outbox_pending_messages',
      "Messages in the service's outbox not yet published, at its last heartbeat",
      ['service'],
      (g, r) => {
        for (const [service, rows] of rowsOf(r)) if (rows.length) g.set({ service }, freshest(rows).outboxPending);
      },
    );
    gauge(
      'barplane_outbox_oldest_age_seconds',
      "Age of the oldest unpublished message in the service's outbox at its last heartbeat (0: none)",
      ['service'],
      (g, r) => {
        for (const [service, rows] of rowsOf(r))
          if (rows.length) g.set({ service }, (freshest(rows).outboxOldestAgeMs ?? 0) / 1000);
      },
    );
    gauge(
      'barplane_dlq_messages',
      'Messages held by the dead-letter topic of a topic the service consumes',
      ['service', 'topic'],
      (g, r) => {
        for (const [service, rows] of rowsOf(r)) {
          const depth = new Map<string, number>();
          for (const row of rows)
            for (const d of row.report.kafka?.dlq ?? []) depth.set(d.topic, Math.max(depth.get(d.topic) ?? 0, d.depth));
          for (const [topic, n] of depth) g.set({ service, topic }, n);
        }
      },
    );
    gauge(
      'barplane_consumer_lag_messages',
      'Messages of a partition the consumer group has not committed yet',
      ['service', 'group', 'topic', 'partition'],
      (g, r) => {
        for (const [service, rows] of rowsOf(r)) {
          const row = rows.length ? freshest(rows) : undefined;
          for (const l of row?.report.kafka?.lag ?? [])
            g.set({ service, group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
        }
      },
    );
  }
}
