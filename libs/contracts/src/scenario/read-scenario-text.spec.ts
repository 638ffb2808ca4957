import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioShapeModule } from '../validation/shape-check-code';
import { loadStandaloneCheck } from '../validation/standalone-module';
import { readScenario } from './read-scenario';
import { readScenarioText } from './read-scenario-text';

// `barplane plan`'s reader answers exactly as readScenario, with the check the build compiles
// and without one (a run from the sources); the generated cases are in shape-check.spec.ts.
const check = loadStandaloneCheck(scenarioShapeModule());
const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** An object `levels` deep: with the scenario around it, one level past the limit at 64. */
const nested = (levels: number): unknown => (levels === 0 ? {} : { a: nested(levels - 1) });

describe('readScenarioText', () => {
  it('reads every worked example as readScenario does', () => {
    expect(examples.length).toBeGreaterThan(5);
    for (const text of examples) {
      expect(readScenarioText(text, check)).toEqual(readScenario(text));
      expect(readScenarioText(text, undefined)).toEqual(readScenario(text));
    }
  });

  it('names the same problems for a body of the wrong shape, for broken rules, and for an inexact number', () => {
    const example = JSON.parse(examples[0]) as { host: Record<string, unknown>; pes: unknown[] };
    const bodies = [
      JSON.stringify({ ...example, host: { ...example.host, pageSize: '0x3000', colour: 1 } }),
      JSON.stringify({ ...example, pes: [...example.pes, ...example.pes] }),
      examples[0].replace(/"0x[0-9a-f]+"/, '18446744073709551615'),
      '[]',
      '{"host":',
      // Parsed before its depth is measured (a file, not a network body), refused the same.
      '['.repeat(100_000) + ']'.repeat(100_000),
      JSON.stringify({ ...example, vm: nested(64) }),
    ];
    for (const text of bodies) {
      const read = readScenarioText(text, check);
      expect(read.ok).toBe(false);
      expect(read).toEqual(readScenario(text));
    }
  });
});
