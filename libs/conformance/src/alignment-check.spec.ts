import { scenarioFromJson } from '@barplane/contracts';
import { planScenario, Scenario } from '@barplane/domain';
import { checkAdviceApplied } from './alignment-check';
import { judgeCase } from './case-result';
import { readGuestReport } from './guest-report';
import { PACKED_AFTER_EVENTS, PACKED_AFTER_IMPORT, PACKED_EVENTS, PACKED_IMPORT } from './testing/lab-fixtures';

const scenarioOf = (json: unknown): Scenario => {
  const read = scenarioFromJson(json);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.scenario;
};
const judged = (events: unknown[], imported: { scenario: unknown; warnings: readonly string[] }) =>
  judgeCase({
    name: 'c',
    machine: 'virt',
    kernelBuild: 'arm64-6.12',
    kernelPackage: 'p',
    report: readGuestReport(events),
    imported,
  });

describe('checkAdviceApplied', () => {
  const before = judged(PACKED_EVENTS, PACKED_IMPORT);
  const after = judged(PACKED_AFTER_EVENTS, PACKED_AFTER_IMPORT);
  const first = scenarioOf(PACKED_IMPORT.scenario);
  const plan = planScenario(first);

  it('agrees when the kernel made each sub-page BAR one page and mmap-able, at the cost barplane said', () => {
    for (const pe of first.pes) {
      const alignment = plan.pes.find((p) => p.id === pe.id)!.alignment;
      const row = checkAdviceApplied(
        0x1000n,
        { pe, alignment, rows: before.regions },
        { pes: after.scenario!.pes, rows: after.regions },
      );
      expect(row).toMatchObject({ agree: true, kernelSays: 'grew by 0xff0; 1 gained mmap' });
      expect(row.kernelParameter).toBe(`pci=resource_alignment=12@${pe.functions[0].bdf}`);
    }
  });

  it('names every promise the kernel did not keep', () => {
    const pe = first.pes[0];
    const alignment = plan.pes.find((p) => p.id === pe.id)!.alignment;
    const row = checkAdviceApplied(
      0x1000n,
      { pe, alignment, rows: before.regions },
      { pes: before.scenario!.pes, rows: before.regions },
    );
    expect(row.agree).toBe(false);
    expect(row.difference).toContain('0000:00:10.0 BAR 0 is 0x10 at 0x10404000, not one page at a page start');
    expect(row.difference).toContain('0000:00:10.0 BAR 0 still has no mmap');
    expect(row.difference).toContain('the BARs grew by 0x0, barplane said mmioCost 0xff0');
  });
});
