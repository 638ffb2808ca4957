import fc from 'fast-check';
import { scenarioArbitrary } from '../testing/scenario-arbitrary';
import { NVME_MSIX, P64K, bar, fn, host, pe, scenario, vm } from '../testing/scenario-builder';
import { Plan } from './plan';
import { planAnswer } from './plan-answer';
import { planAnswerText } from './plan-answer-text';
import { planToJson } from './plan-json';
import { planJsonText } from './plan-json-text';
import { planScenario } from './plan-scenario';

const whole = (plan: Plan) => JSON.stringify(planToJson(plan), null, 2);
const pieces = (plan: Plan) => [...planJsonText(plan)];

/** PEs of one function each, so that every list is longer than one piece's worth of items. */
function largeScenario(count: number) {
  const h = host('arm64', P64K);
  const pes = Array.from({ length: count }, (_, i) => {
    const bus = (i + 1).toString(16).padStart(2, '0');
    const base = 0x4000_0000n + BigInt(i) * 0x10_0000n;
    return pe(`0000:${bus}`, [
      fn(`0000:${bus}:00.0`, [bar(0, 'mem64', base, 0x4000n), bar(2, 'mem32', base + 0x8_0000n, 0x1000n)], {
        msix: NVME_MSIX,
      }),
    ]);
  });
  return scenario(h, pes, vm(h, pes));
}

describe('planJsonText and planAnswerText: the plan as text, in pieces', () => {
  it('is JSON.stringify(planToJson(plan), null, 2) for every generated scenario, with and without regions', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        expect(pieces(planAnswer(s)).join('')).toBe(whole(planAnswer(s)));
        expect([...planAnswerText(s)].join('')).toBe(whole(planAnswer(s)));
        expect(pieces(planScenario(s)).join('')).toBe(whole(planScenario(s)));
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a plan of many BARs into pieces that join to the same text', () => {
    const plan = planAnswer(largeScenario(250));
    const text = pieces(plan);
    expect(plan.bars).toHaveLength(500);
    expect(text.length).toBeGreaterThan(4);
    expect(text.join('')).toBe(whole(plan));
    expect([...planAnswerText(largeScenario(250))].join('')).toBe(whole(plan));
  });

  it('writes empty lists as [] and a plan without a VM without vm', () => {
    const empty = planAnswer(scenario(host('arm64', P64K), []));
    expect(pieces(empty).join('')).toBe(whole(empty));
    expect([...planAnswerText(scenario(host('arm64', P64K), []))].join('')).toBe(whole(empty));
    expect(JSON.parse(pieces(empty).join(''))).toMatchObject({ pes: [], bars: [] });
  });
});
