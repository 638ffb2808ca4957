import fc from 'fast-check';
import { REASONS } from '../decision/reason';
import { MAPPING_MODES, takesSlots } from '../decision/mapping-mode';
import { scenarioProblems } from '../scenario/scenario-problems';
import { scenarioArbitrary } from '../testing/scenario-arbitrary';
import { Scenario } from '../scenario/scenario';
import { planAnswer } from './plan-answer';
import { planToJson } from './plan-json';
import { planScenario } from './plan-scenario';

// Properties that hold for every valid scenario, not only the worked examples.
const runs = { numRuns: 300 };

function barOf(s: Scenario, bdf: string, index: number) {
  for (const pe of s.pes)
    for (const fn of pe.functions) if (fn.bdf === bdf) return fn.bars.find((b) => b.index === index)!;
  throw new Error('missing bar');
}

function reversed(s: Scenario): Scenario {
  return {
    ...s,
    pes: [...s.pes].reverse().map((pe) => ({
      ...pe,
      functions: [...pe.functions].reverse().map((fn) => ({ ...fn, bars: [...fn.bars].reverse() })),
    })),
  };
}

describe('plan properties', () => {
  it('the generator only makes valid scenarios (so the properties below mean something)', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => expect(scenarioProblems(s)).toEqual([])),
      runs,
    );
  });

  it('direct ranges are whole host pages inside the guest mapping, and slots = their count', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const P = s.host.pageSize;
        for (const d of planScenario(s).bars) {
          const size = barOf(s, d.bdf, d.index).size;
          const mapping = size < P ? P : size;
          expect(d.slots).toBe(takesSlots(d.mode) ? d.directRanges.length : 0);
          if (!takesSlots(d.mode)) expect(d.directRanges).toEqual([]);
          for (const r of d.directRanges) {
            expect(r.size > 0n && r.offset % P === 0n && r.size % P === 0n).toBe(true);
            expect(r.offset + r.size <= mapping).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('slots never exceed the free budget of the VM', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const plan = planScenario(s);
        if (!s.vm) return expect(plan.bars.every((b) => b.slots === 0)).toBe(true);
        expect(plan.vm!.slotsNeeded).toBeLessThanOrEqual(s.host.kvmMemslots - s.vm.memslotsUsed);
      }),
      runs,
    );
  });

  it('every mode and reason is in the closed set, every BAR is decided once, in (PE, BDF, index) order', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const plan = planScenario(s);
        const total = s.pes.reduce((n, pe) => n + pe.functions.reduce((m, fn) => m + fn.bars.length, 0), 0);
        expect(plan.bars).toHaveLength(total);
        for (const d of plan.bars) {
          expect(MAPPING_MODES).toContain(d.mode);
          for (const r of d.reasons) expect(REASONS).toContain(r);
        }
        const keys = plan.bars.map((b) => [b.pe, b.bdf, b.index] as const);
        const sorted = [...keys].sort((a, b) =>
          a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] - b[2],
        );
        expect(keys).toEqual(sorted);
      }),
      runs,
    );
  });

  it('a kernel that binds vfio-pci never decides UNAVAILABLE, VFIO_PCI_UNBINDABLE or HOST_KERNEL', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const bindable = { ...s, host: { ...s.host, kernel: { ...s.host.kernel, vfioPci: true } } };
        for (const d of planScenario(bindable).bars) {
          expect(d.mode).not.toBe('UNAVAILABLE');
          expect(d.reasons).not.toContain('VFIO_PCI_UNBINDABLE');
          expect(d.advice.map((a) => a.kind)).not.toContain('HOST_KERNEL');
        }
      }),
      runs,
    );
  });

  it('a kernel that cannot bind vfio-pci makes every BAR UNAVAILABLE, takes no slot and needs no alignment', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const unbindable = { ...s, host: { ...s.host, kernel: { ...s.host.kernel, vfioPci: false } } };
        const plan = planScenario(unbindable);
        for (const d of plan.bars) {
          expect(d).toMatchObject({
            mode: 'UNAVAILABLE',
            reasons: ['VFIO_PCI_UNBINDABLE'],
            slots: 0,
            directRanges: [],
          });
          expect(d.advice).toEqual([{ kind: 'HOST_KERNEL', minimumVersion: '6.4', commit: 'a940904443e4', apply: [] }]);
        }
        for (const pe of plan.pes) expect(pe.alignment.barsGainingMmap).toBe(0);
        if (plan.vm) expect(plan.vm.slotsNeeded).toBe(0);
      }),
      runs,
    );
  });

  it('the same facts give byte-identical output, whatever order the input lists them in', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const once = JSON.stringify(planToJson(planAnswer(s)));
        expect(JSON.stringify(planToJson(planAnswer(s)))).toBe(once);
        expect(JSON.stringify(planToJson(planAnswer(reversed(s))))).toBe(once);
      }),
      runs,
    );
  });

  it('the answer decides exactly what the projector decides, and adds one regions entry per function', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const { regions, ...decisions } = planAnswer(s);
        expect(decisions).toEqual(planScenario(s));
        expect(planScenario(s).regions).toBeUndefined();
        expect(regions!.map((f) => f.bdf).sort()).toEqual(
          s.pes.flatMap((pe) => pe.functions.map((fn) => fn.bdf)).sort(),
        );
      }),
      runs,
    );
  });
});
