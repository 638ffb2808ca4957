import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { oncePerScrape, scrapedGauge } from './scraped-gauge';
import { ReadModels } from '../read-models/read-models';

/** Decision gauges, read from the host summaries at each scrape (one row per host). */
@Injectable()
export class DecisionMetrics implements OnModuleInit {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    private readonly reads: ReadModels,
  ) {}

  onModuleInit(): void {
    const reads = this.reads;
    // One read of one row per host per scrape, for every gauge.
    const load = oncePerScrape(async () => {
      const modes = new Map<string, Record<string, number>>();
      const shares = new Map<string, number>();
      const idle = new Map<string, number>();
      for (const { host, barModes, coverage } of await reads.hostSummaries()) {
        modes.set(host.id, barModes);
        // A host with no memory BAR given to a VM has no share to report, rather than 0.
        if (coverage.byteShare !== null) shares.set(host.id, coverage.byteShare);
        idle.set(host.id, coverage.notAssigned.bars);
      }
      return { modes, shares, idle };
    });
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (g: Gauge, s: Awaited<ReturnType<typeof load>>) => void,
    ) => scrapedGauge(this.registry, load, name, help, labelNames, fill);
    gauge('barplane_bar_decisions', 'Current BAR decisions by host and mapping mode', ['host', 'mode'], (g, s) => {
      for (const [host, byMode] of s.modes) for (const [mode, n] of Object.entries(byMode)) g.set({ host, mode }, n);
    });
    gauge(
      'barplane_fast_path_byte_share',
      'Share of the memory BAR bytes given to VMs that the guests reach without a VM exit (DIRECT, DIRECT_PAGE_EXPANDED, direct ranges of PARTIAL_DIRECT), by host; absent for a host with none given to a VM',
      ['host'],
      (g, s) => {
        for (const [host, share] of s.shares) g.set({ host }, share);
      },
    );
    gauge(
      'barplane_not_assigned_bars',
      'BARs of functions given to no VM, by host (outside the fast-path share)',
      ['host'],
      (g, s) => {
        for (const [host, n] of s.idle) g.set({ host }, n);
      },
    );
  }
}
