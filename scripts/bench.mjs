#!/usr/bin/env node
// npm run bench [-- --only engine,pipeline,fleet,rebuild --seed N --platform arm64|powernv
//                   --default-gc --fleet-hosts N --rebuild-events N]
// Every benchmark of the project, each part also runnable alone (scripts/bench/*.mjs, with
// their own options): the engine and `barplane plan` (engine.mjs), the control-plane pipeline
// (pipeline.mjs), fleet-scale reads (fleet.mjs), the rule-set upgrade rebuild (rebuild.mjs).
// It starts Kafka and PostgreSQL as `npm test` does when a part needs them and stops what it
// started. It ends with one table: every figure with min / median / max over its runs and PASS
// or MISS against its target. A benchmark reports, it does not fail a build: it exits 0 on MISS,
// 1 only when a part broke.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_TARGETS, runEngineBench } from './bench/engine.mjs';
import { FLEET_TARGETS, runFleetBench } from './bench/fleet.mjs';
import { runPipelineBench } from './bench/pipeline.mjs';
import { runRebuildBench } from './bench/rebuild.mjs';
import { FIGURE_HEADER, figureRow, fmtInt, table, verdict } from './bench/stats.mjs';
import { ensureBuilt } from './ensure-built.mjs';

const PARTS = ['engine', 'pipeline', 'fleet', 'rebuild'];
const root = join(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    seed: { type: 'string', default: '2978' },
    platform: { type: 'string', default: 'arm64' },
    'default-gc': { type: 'boolean' },
    'fleet-hosts': { type: 'string' },
    'rebuild-events': { type: 'string' },
  },
});
const parts = opts.only ? opts.only.split(',') : PARTS;
const bad = [
  ...parts.filter((p) => !PARTS.includes(p)).map((p) => `--only: no part ${JSON.stringify(p)} (${PARTS.join(', ')})`),
  ...(['arm64', 'powernv'].includes(opts.platform) ? [] : ['--platform must be arm64 or powernv']),
  ...['seed', 'fleet-hosts', 'rebuild-events']
    .filter((k) => opts[k] !== undefined && !(Number(opts[k]) > 0))
    .map((k) => `--${k} must be a positive number`),
];
if (bad.length) {
  for (const b of bad) console.error(`bench: ${b}`);
  process.exit(2);
}

ensureBuilt('bench');
const results = {};
const broken = [];
const attempt = async (name, run) => {
  try {
    results[name] = await run();
  } catch (error) {
    console.error(`bench: ${name} failed: ${error.stack ?? error}`);
    broken.push(name);
  }
};

if (parts.includes('engine'))
  await attempt('engine', () =>
    runEngineBench({ seed: opts.seed, platform: opts.platform, defaultGc: opts['default-gc'] }),
  );
const needsInfra = parts.filter((p) => p !== 'engine');
if (needsInfra.length) {
  const infra = await import('./infra/index.mjs');
  const before = await infra.status({ quiet: true });
  const wasUp = before.kafka.running && before.postgres.running;
  try {
    const env = await infra.up();
    process.env.KAFKA_BROKERS = env.kafkaBrokers;
    process.env.DATABASE_URL = env.databaseUrl;
    if (parts.includes('pipeline')) await attempt('pipeline', () => runPipelineBench());
    const hosts = opts['fleet-hosts'] && { hosts: Number(opts['fleet-hosts']) };
    if (parts.includes('fleet')) await attempt('fleet', () => runFleetBench({ ...hosts }));
    const events = opts['rebuild-events'] && { events: Number(opts['rebuild-events']) };
    if (parts.includes('rebuild')) await attempt('rebuild', () => runRebuildBench({ ...events }));
  } catch (error) {
    console.error(`bench: infrastructure: ${error.stack ?? error}`);
    broken.push('infrastructure');
  }
  if (!wasUp) await infra.down().catch((error) => console.error(`bench: infra down: ${error.message}`));
}

const rows = targetRows(results);
console.log(`\nbarplane bench  node ${process.version}  ${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} cpu)`);
console.log(table(FIGURE_HEADER('every target'), rows));
if (broken.length) console.log(`broken: ${broken.join(', ')} (see above)`);
const outDir = join(root, '.cache', 'bench');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'summary.json');
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), parts, broken, targets: rows }, null, 2) + '\n');
console.log(
  `\nsummary: ${relative(root, file)} (each part's details: ${parts.map((p) => `${p}.json`).join(', ')} beside it)`,
);
process.exit(broken.length ? 1 : 0);

/** One row per target of issue 13, from what each part returned. */
function targetRows({ engine, pipeline, fleet, rebuild }) {
  const out = [];
  if (engine) {
    out.push(
      figureRow(
        'engine, BAR decisions/s (one core)',
        { ...engine.engine, n: engine.engine.msPerPlan.n },
        `>= ${fmtInt(ENGINE_TARGETS.rate)}`,
        engine.engine.median >= ENGINE_TARGETS.rate,
        fmtInt,
      ),
      figureRow(
        'barplane plan, 30k BARs, ms',
        engine.wallMs.cliPlan,
        `< ${ENGINE_TARGETS.wallMs}`,
        engine.wallMs.cliPlan.median < ENGINE_TARGETS.wallMs,
      ),
      figureRow(
        '  the same, times `node -e 0`',
        engine.nodeRatio,
        `<= ${ENGINE_TARGETS.nodeRatio}`,
        engine.nodeRatio.median <= ENGINE_TARGETS.nodeRatio,
        (x) => x.toFixed(1),
      ),
    );
  }
  if (pipeline) {
    const tp = pipeline.throughput;
    const lc = pipeline.latency.concurrent;
    out.push(
      figureRow('pipeline, events/s', tp.eventsPerSRuns, '>= 5,000', pipeline.verdicts.eventsPerS === 'PASS', fmtInt),
      figureRow(`pipeline p99 ms, ${lc.clients} clients`, lc.p99Runs, '< 100', pipeline.verdicts.p99 === 'PASS'),
      figureRow('pipeline CPU ms per HTTP command', lc.cpuMsRuns, '<= 4', pipeline.verdicts.cpuMsPerCommand === 'PASS'),
    );
    const idle = Object.entries(pipeline.idle.shareOfCoreByProcess).filter(([k]) => !k.startsWith('bench'));
    const idleShare = idle.reduce((sum, [, x]) => sum + x, 0);
    out.push(['  at idle, % of a core (all of it)', '', `${(idleShare * 100).toFixed(1)}%`, '', '1', '', '']);
  }
  if (fleet) {
    const r = fleet.reads;
    const peaks = Object.values(fleet.memoryMb).map((m) => m.peak);
    const worst = Math.max(...peaks);
    out.push(
      ['fleet, largest service peak MB', '', fmtInt(worst), '', '1', `< ${FLEET_TARGETS.rssMb}`, fleet.verdicts.memory],
      figureRow(
        'fleet GET /v1/hosts p99 ms',
        r.hostsP99,
        `< ${FLEET_TARGETS.p99Ms}`,
        fleet.verdicts.hostsP99 === 'PASS',
      ),
      figureRow('fleet PE page p99 ms', r.pePageP99, `< ${FLEET_TARGETS.p99Ms}`, fleet.verdicts.pePageP99 === 'PASS'),
      figureRow(
        'fleet /metrics scrape ms',
        r.scrapeMs,
        `< ${FLEET_TARGETS.scrapeMs}`,
        fleet.verdicts.scrape === 'PASS',
      ),
    );
  }
  if (rebuild) {
    out.push(
      figureRow('rebuild, events/s', rebuild.rebuild, '', undefined, fmtInt),
      figureRow('  bare Kafka read, events/s', rebuild.bare, '', undefined, fmtInt),
      [
        '  rebuild / bare read',
        '',
        `${(rebuild.ratio * 100).toFixed(0)}%`,
        '',
        '',
        '>= 50%',
        verdict(rebuild.ratio >= 0.5),
      ],
    );
  }
  return out;
}
