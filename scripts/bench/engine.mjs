// The engine and CLI benchmark (run by `npm run bench`): generates a 10,000-function,
// ~30,000-BAR scenario and measures (1) the engine's rate in BAR decisions per second and (2)
// the wall time of `barplane plan` on it, each next to a baseline measured in the same run so
// numbers from different machines stay comparable. Returns the figures; PASS/MISS is reported
// against the targets, never a failure: it throws only when something breaks (invalid
// scenario, CLI error).
import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, relative } from 'node:path';
import { NODE_FLAGS } from '../control-plane/processes.mjs';
import { generateScenario } from './generate-scenario.mjs';
import { hostEventRows, measureHostEvents } from './host-events.mjs';
import { fmtInt, fmtMs, summarize, table, timeRuns } from './stats.mjs';

const TARGET_RATE = 1_000_000; // BAR decisions per second, one core
const TARGET_WALL_MS = 1000; // whole `barplane plan` command
// Warm-ups until the heap stops growing: on a VM where fresh memory is slow to touch, the
// first plans measure page faults more than the engine.
const ENGINE = { warmup: 10, runs: 30 };
const SPAWN_RUNS = 7;
const SPLIT_RUNS = 3;

const root = join(import.meta.dirname, '..', '..');
const outDir = join(root, '.cache', 'bench');
const scenarioFile = join(outDir, 'scenario-10k.json');
export const ENGINE_TARGETS = { rate: TARGET_RATE, wallMs: TARGET_WALL_MS, nodeRatio: 10 };

/** opts: { seed, platform: 'arm64' | 'powernv', defaultGc } */
export function runEngineBench(opts) {
  // The engine runs in the projector, which runs with a larger young generation
  // (scripts/control-plane/processes.mjs NODE_FLAGS); measure it the way it runs, in a child
  // started with them (engine-rate.mjs). The baseline loop runs there too. `--default-gc`
  // measures V8's defaults.
  const gcFlags = opts.defaultGc ? [] : NODE_FLAGS.projector.filter((f) => f.startsWith('--max-semi-space-size'));
  const require = createRequire(import.meta.url);
  const { readScenario } = require(join(root, 'dist/libs/contracts/src/index.js'));
  const domain = require(join(root, 'dist/libs/domain/src/index.js'));
  const { planScenario } = domain;

  // 1. The scenario: generated, written, and checked to be valid input.
  const data = generateScenario({ seed: Number(opts.seed), platform: opts.platform });
  const text = JSON.stringify(data, null, 1);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(scenarioFile, text);
  const read = readScenario(text);
  if (!read.ok) {
    console.error(`bench: generated scenario is invalid (${read.problems.length} problems):`);
    for (const p of read.problems.slice(0, 20)) console.error(`  ${p.path}: ${p.message}`);
    throw new Error('bench: generated scenario is invalid');
  }
  const scenario = read.scenario;
  const plan = planScenario(scenario);
  const barCount = plan.bars.length;
  const counts = scenarioCounts(scenario, text.length);
  const modes = histogram(plan.bars.map((b) => b.mode));
  const reasons = histogram(plan.bars.flatMap((b) => b.reasons));
  for (const must of ['HOST_SUBPAGE_UNALIGNED', 'HOST_PAGE_REMAINDER_BUSY', 'GUEST_PAGE_SHARED', 'EXPANDED_TO_PAGE']) {
    if (!reasons[must]) console.warn(`bench: warning: no BAR decided with ${must}; the scenario misses a path`);
  }

  // 2. Engine rate, against a loop over the same BARs doing the same kind of bigint work.
  const { engineMs, baselineMs, sink } = measureRate(gcFlags);
  const rate = (ms) => barCount / (ms / 1000);
  const engine = rateSummary(engineMs.map(rate));
  const baseline = rateSummary(baselineMs.map(rate));

  // 3. The whole command, next to bare node startup and the CLI with no work (--version).
  const devNull = openSync('/dev/null', 'w');
  const cliArgs = ['bin/barplane.js', 'plan', relative(root, scenarioFile)];
  const planRuns = spawnMs(cliArgs, devNull);
  const wall = {
    nodeBare: summarize(spawnMs(['-e', '0'], devNull)),
    cliVersion: summarize(spawnMs(['bin/barplane.js', '--version'], devNull)),
    cliPlan: summarize(planRuns),
  };
  closeSync(devNull);
  const split = splitSummary();
  const { hostLayout } = require(join(root, 'dist/libs/domain/src/plan/host-layout.js'));
  const hostEvents = measureHostEvents(domain, hostLayout);

  // 4. Report.
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  const engineOk = engine.median >= TARGET_RATE;
  const wallOk = wall.cliPlan.median < TARGET_WALL_MS;
  console.log(
    `barplane bench  node ${process.version}  ${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} cpu)  seed ${opts.seed}`,
  );
  console.log(`scenario ${relative(root, scenarioFile)} (${(text.length / 1e6).toFixed(1)} MB)\n`);
  console.log(
    table(
      ['scenario', 'count'],
      Object.entries(counts).map(([k, v]) => [k, fmtInt(v)]),
    ),
  );
  console.log(
    '\n' +
      table(
        ['plan: mode', 'BARs'],
        Object.entries(modes).map(([k, v]) => [k, fmtInt(v)]),
      ),
  );
  console.log(
    '\n' +
      table(
        ['plan: reason', 'fired'],
        Object.entries(reasons).map(([k, v]) => [k, fmtInt(v)]),
      ),
  );
  console.log(
    '\n' +
      table(
        ['engine (BAR decisions/s)', 'min', 'median', 'max', 'target', ''],
        [
          [
            'planScenario',
            fmtInt(engine.min),
            fmtInt(engine.median),
            fmtInt(engine.max),
            `>= ${fmtInt(TARGET_RATE)}`,
            verdict(engineOk),
          ],
          ['baseline (% P, < P per BAR)', fmtInt(baseline.min), fmtInt(baseline.median), fmtInt(baseline.max), '', ''],
        ],
      ),
  );
  console.log(
    `engine is ${(baseline.median / engine.median).toFixed(0)}x slower than the baseline; ${fmtMs(summarize(engineMs).median)} ms per plan of ${fmtInt(barCount)} BARs; V8 flags: ${gcFlags.length ? gcFlags.join(' ') + ' (as the projector runs)' : 'defaults'}`,
  );
  const wallRow = (name, s, target = '', ok) => [
    name,
    fmtMs(s.min),
    fmtMs(s.median),
    fmtMs(s.max),
    target,
    ok === undefined ? '' : verdict(ok),
  ];
  console.log(
    '\n' +
      table(
        ['wall time (ms)', 'min', 'median', 'max', 'target', ''],
        [
          wallRow('barplane plan scenario-10k.json', wall.cliPlan, `< ${TARGET_WALL_MS}`, wallOk),
          wallRow('baseline: node -e 0', wall.nodeBare),
          wallRow('baseline: barplane --version', wall.cliVersion),
        ],
      ),
  );
  // Grouped as the issue asks (parse+validate, plan, serialize), with the parts underneath.
  const splitRows = [
    ['load modules', split.load],
    ['read file', split.read],
    ['parse + validate (shape, rules)', split.parseValidate],
    ['plan', split.plan],
    ['regions + serialize + write (in pieces)', split.serialize],
    ['total', split.total],
  ];
  console.log(
    '\n' +
      table(
        [`cold split, fresh process (ms, median of ${SPLIT_RUNS})`, 'ms'],
        splitRows.map(([k, v]) => [k, fmtMs(v)]),
      ),
  );
  console.log(
    '\n' +
      table(
        ['projector: a host decided again per guest event (us)', 'min', 'median', 'max', 'every plan again', 'ratio'],
        hostEventRows(hostEvents),
      ),
  );

  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    seed: Number(opts.seed),
    platform: opts.platform,
    scenario: { file: relative(root, scenarioFile), bytes: text.length, ...counts },
    modes,
    reasons,
    engine: {
      unit: 'BAR decisions/s',
      target: TARGET_RATE,
      verdict: verdict(engineOk),
      ...engine,
      msPerPlan: summarize(engineMs),
    },
    baseline: { unit: 'BARs/s', ...baseline, engineSlowdown: baseline.median / engine.median },
    wallMs: { target: TARGET_WALL_MS, verdict: verdict(wallOk), ...wall },
    // The whole command as a multiple of bare node startup, run by run.
    nodeRatio: summarize(planRuns.map((ms) => ms / wall.nodeBare.median)),
    coldSplitMs: split,
    hostEventsUs: hostEvents,
    sink, // keeps the baseline loop from being optimised away
  };
  writeFileSync(join(outDir, 'engine.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nsummary: ${relative(root, join(outDir, 'engine.json'))}`);
  return summary;
}

// --- helpers -----------------------------------------------------------------------------

function scenarioCounts(s, bytes) {
  const fns = s.pes.flatMap((pe) => pe.functions);
  const bars = fns.flatMap((fn) => fn.bars);
  const kinds = histogram(bars.map((b) => (b.size === 0n ? 'size 0' : b.kind)));
  return {
    PEs: s.pes.length,
    functions: fns.length,
    BARs: bars.length,
    ...Object.fromEntries(Object.entries(kinds).map(([k, v]) => [`  ${k}`, v])),
    'functions with MSI-X': fns.filter((f) => f.msix).length,
    'reserved ranges': s.host.reservedRanges.length,
    'BARs above 0xffffffff00000000': bars.filter((b) => b.address >= 0xffff_ffff_0000_0000n).length,
    'VM: assigned PEs': s.vm?.assignedPes.length ?? 0,
    'VM: guest BARs': s.vm?.guestBars.length ?? 0,
    'VM: memslotsUsed': s.vm?.memslotsUsed ?? 0,
    'JSON bytes': bytes,
  };
}

function histogram(items) {
  const h = {};
  for (const x of items) h[x] = (h[x] ?? 0) + 1;
  return Object.fromEntries(Object.entries(h).sort(([, a], [, b]) => b - a));
}

/** engine-rate.mjs on the scenario file, in a process started with `flags`. */
function measureRate(flags) {
  const args = [...flags, join(root, 'scripts/bench/engine-rate.mjs'), scenarioFile, ENGINE.warmup, ENGINE.runs];
  const r = spawnSync(process.execPath, args.map(String), { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: engine-rate failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function rateSummary(rates) {
  const { min, median, max } = summarize(rates);
  return { min, median, max };
}

/** Wall time of `node ARGS` from the repo root, stdout to /dev/null; one untimed warm-up (page cache). */
function spawnMs(args, devNull) {
  const run = () => {
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', devNull, 'pipe'] });
    if (r.status !== 0) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  };
  run();
  return timeRuns(run, { runs: SPAWN_RUNS });
}

/** Median per phase of a cold plan in a fresh process (scripts/bench/cli-split.mjs). */
function splitSummary() {
  const samples = [];
  for (let i = 0; i < SPLIT_RUNS; i++) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/bench/cli-split.mjs'), scenarioFile], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`bench: cli-split failed: ${r.stderr}`);
    samples.push(JSON.parse(r.stdout));
  }
  const phases = Object.keys(samples[0]);
  const out = Object.fromEntries(phases.map((k) => [k, summarize(samples.map((s) => s[k])).median]));
  out.total = phases.reduce((sum, k) => sum + out[k], 0);
  return out;
}
