// One cold `barplane plan` split into its phases, in a fresh process like the CLI's:
//   node scripts/bench/cli-split.mjs SCENARIO.json  ->  one JSON line of milliseconds.
// Run in a child so no JIT warm-up from the benchmark itself leaks into the numbers.
import { openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

// As bin/barplane.js runs the CLI: a young generation that stays at its 1 MB start.
v8.setFlagsFromString('--semi-space-growth-factor=1');
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const ms = {};
const lap = (name, fn) => {
  const t0 = performance.now();
  const value = fn();
  ms[name] = performance.now() - t0;
  return value;
};

// The modules `barplane plan` loads (apps/cli main.ts loads only the command it runs).
const { contracts, domain } = lap('load', () => {
  require(join(root, 'dist/apps/cli/src/main.js'));
  require(join(root, 'dist/apps/cli/src/plan/plan.command.js'));
  return {
    contracts: require(join(root, 'dist/libs/contracts/src/scenario/read-scenario-text.js')),
    domain: {
      ...require(join(root, 'dist/libs/domain/src/plan/host-layout.js')),
      ...require(join(root, 'dist/libs/domain/src/plan/plan-scenario.js')),
      ...require(join(root, 'dist/libs/domain/src/plan/plan-json-text.js')),
      ...require(join(root, 'dist/libs/domain/src/vfio/plan-regions.js')),
    },
  };
});
const text = lap('read', () => readFileSync(process.argv[2]).toString('utf8'));
// Parse, the shape check compiled at build time, the conversion and the rules, as the CLI reads.
const read = lap('parseValidate', () => contracts.readScenarioText(text));
if (!read.ok) throw new Error(`invalid scenario: ${JSON.stringify(read.problems.slice(0, 3))}`);
// What the CLI runs (planAnswerText): the decisions, then the text, with every function's
// VFIO regions derived as they are written.
const planned = lap('plan', () => {
  const layout = domain.hostLayout(read.scenario);
  return { layout, plan: domain.planScenario(read.scenario, layout) };
});
const devNull = openSync('/dev/null', 'w');
lap('serialize', () => {
  const regions = domain.functionRegions(read.scenario, planned.layout);
  for (const piece of domain.planJsonText(planned.plan, regions)) writeSync(devNull, piece);
});
process.stdout.write(JSON.stringify(ms) + '\n');
