// The engine's rate, measured in a process of its own (run by engine.mjs): V8 sizes its young
// generation when the process starts, so the projector's --max-semi-space-size only takes
// effect on the command line (set at run time with v8.setFlagsFromString it changed nothing:
// 71 scavenges per 40 plans, as with the defaults, against 51), and a fresh process holds
// nothing but the scenario. Prints {engineMs, baselineMs, sink} as JSON.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { timeRuns } from './stats.mjs';

const [scenarioFile, warmup, runs] = process.argv.slice(2);
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { readScenario } = require(join(root, 'dist/libs/contracts/src/index.js'));
const { planScenario } = require(join(root, 'dist/libs/domain/src/index.js'));

const read = readScenario(readFileSync(scenarioFile, 'utf8'));
if (!read.ok) throw new Error(`engine-rate: ${scenarioFile} is not a valid scenario`);
const scenario = read.scenario;
const schedule = { warmup: Number(warmup), runs: Number(runs) };
const engineMs = timeRuns(() => planScenario(scenario), schedule);
let sink = 0; // keeps the baseline loop from being optimised away
const baselineMs = timeRuns(() => (sink += baselinePass(scenario)), schedule);
process.stdout.write(JSON.stringify({ engineMs, baselineMs, sink }) + '\n');

/** The least work that still touches every BAR with bigint page math, in the engine's order. */
function baselinePass(s) {
  const P = s.host.pageSize;
  let n = 0;
  for (const pe of s.pes) {
    for (const fn of pe.functions) {
      for (const bar of fn.bars) {
        if (bar.address % P === 0n) n++;
        if (bar.size < P) n++;
      }
    }
  }
  return n;
}
