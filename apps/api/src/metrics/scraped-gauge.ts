import { Gauge, Registry } from 'prom-client';

/**
 * A gauge measured at each scrape: reset, then filled from what `read` returns. Gauges of one
 * scrape that share a `read` wrapped in oncePerScrape share one measurement.
 */
export function scrapedGauge<S>(
  registry: Registry,
  read: () => Promise<S>,
  name: string,
  help: string,
  labelNames: string[],
  fill: (gauge: Gauge, measured: S) => void,
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const measured = await read();
      this.reset();
      fill(this, measured);
    },
  });
}

/** `read` once for the gauges of one scrape: callers until it settles (and in the same tick) share it. */
export function oncePerScrape<S>(read: () => Promise<S>): () => Promise<S> {
  let pending: Promise<S> | undefined;
  return () =>
    (pending ??= read().finally(() => {
      setTimeout(() => (pending = undefined), 0);
    }));
}
