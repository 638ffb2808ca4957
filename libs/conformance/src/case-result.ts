import { scenarioFromJson } from '@barplane/contracts';
import { Plan, planAnswer, Scenario, vfioPciBinds } from '@barplane/domain';
import { checkAlignment, PeRow } from './alignment-check';
import { BarRow, checkBars } from './bar-check';
import { GuestReport } from './guest-report';
import { compareRegions, RegionRow } from './region-comparison';
import { checkReservations, ReservationRow } from './reservation-check';

/** One boot of the lab, as the runner hands it over. */
export interface CaseInput {
  readonly name: string;
  readonly machine: string;
  /** Kernel build name (cases.mjs) and the Debian package version it resolved to. */
  readonly kernelBuild: string;
  readonly kernelPackage: string;
  readonly report: GuestReport;
  /** What `barplane import sysfs --root <capture>` printed. */
  readonly imported: { scenario: unknown; warnings: readonly string[] };
  /** The kernel command line the case added, if any. */
  readonly cmdline?: string;
}

/**
 * vfio-pci's probe: barplane expects it to bind every endpoint the kernel can hand to a VM, and
 * no bridge (vfio-pci binds only normal, type 0, functions; the importer puts bridges in no PE).
 */
export interface BindRow {
  readonly bdf: string;
  readonly bridge: boolean;
  readonly kernelBound: boolean;
  readonly barplaneExpects: boolean;
  readonly kernel?: string;
  readonly agree: boolean;
}

export interface CaseResult {
  readonly input: CaseInput;
  readonly scenario?: Scenario;
  readonly plan?: Plan;
  readonly binds: readonly BindRow[];
  readonly regions: readonly RegionRow[];
  readonly bars: readonly BarRow[];
  readonly pes: readonly PeRow[];
  readonly reservations: readonly ReservationRow[];
  /** Every disagreement and every failure of the lab itself, in words. */
  readonly disagreements: readonly string[];
}

/**
 * Judges one boot: imports the capture as `barplane import sysfs` does, plans it without a VM
 * as `barplane plan` does (decisions and regions), and compares
 * region by region, BAR by BAR, PE by PE, and the sub-page reservations, with the kernel.
 */
export function judgeCase(input: CaseInput): CaseResult {
  const empty = { binds: [], regions: [], bars: [], pes: [], reservations: [] };
  const disagreements: string[] = [];
  const { report } = input;
  if (!report.done) disagreements.push('the guest did not finish');
  for (const f of report.insmodFailures) disagreements.push(`insmod ${f.module}: ${f.message}`);
  const read = scenarioFromJson(input.imported.scenario);
  if (!read.ok) {
    disagreements.push(
      `the import is not a valid scenario: ${read.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
    return { input, ...empty, disagreements };
  }
  const scenario = read.scenario;
  if (report.pageSize !== undefined && report.pageSize !== scenario.host.pageSize) {
    disagreements.push(
      `the kernel's page size is 0x${report.pageSize.toString(16)}, the scenario says 0x${scenario.host.pageSize.toString(16)}`,
    );
  }
  // What `barplane plan` answers: the decisions and every function's regions.
  const plan = planAnswer(scenario);
  const planned = plan.regions ?? [];
  const derivedOf = new Map(planned.map((f) => [f.bdf, f.regions] as const));

  // barplane's rule (decision 1, step 0): vfio-pci binds unless the kernel cannot.
  const expected = vfioPciBinds(scenario.host);
  const binds: BindRow[] = report.binds.map((b) => {
    const expects = b.bridge ? false : expected;
    return {
      bdf: b.bdf,
      bridge: b.bridge ?? false,
      kernelBound: b.bound,
      barplaneExpects: expects,
      ...(b.kernel ? { kernel: b.kernel } : {}),
      agree: b.bound === expects,
    };
  });
  for (const b of binds)
    if (!b.agree)
      disagreements.push(
        `${b.bdf}: vfio-pci ${b.kernelBound ? 'bound' : 'did not bind'}; barplane expected it ${b.barplaneExpects ? 'to bind' : 'not to bind'}${b.kernel ? ` (${b.kernel})` : ''}`,
      );
  for (const e of report.errors) disagreements.push(`${e.bdf}: the probe failed at ${e.step}: ${e.message}`);

  const regions: RegionRow[] = [];
  for (const device of report.devices.values())
    regions.push(...compareRegions(derivedOf.get(device.bdf) ?? [], device));
  for (const r of regions) if (!r.agree) disagreements.push(`${r.bdf} region ${r.index}: ${r.difference}`);

  const opened = new Set(report.devices.keys());
  const refused = new Map(
    report.binds
      .filter((b) => !b.bound && !b.bridge)
      .map((b) => [b.bdf, (b.kernel ?? '').replace(/^\[[^\]]*\]\s*/, '')] as const),
  );
  const bars = checkBars(plan.bars, scenario.pes, regions, opened, refused);
  for (const b of bars) if (!b.agree) disagreements.push(`${b.bdf} BAR ${b.index}: ${b.difference}`);

  const pes: PeRow[] = [];
  for (const pe of scenario.pes) {
    if (!pe.functions.some((fn) => opened.has(fn.bdf))) continue;
    const decided = plan.pes.find((p) => p.id === pe.id);
    if (!decided) continue;
    const row = checkAlignment(scenario.host, scenario.pes, pe, decided.alignment, regions);
    pes.push(row);
    if (!row.agree) disagreements.push(`PE ${pe.id}: ${row.difference}`);
  }

  const reservations = checkReservations(planned, opened, report.subPageReservations);
  for (const r of reservations) {
    if (!r.agree)
      disagreements.push(
        `sub-page reservation 0x${r.start.toString(16)}-0x${r.end.toString(16)}: ${r.kernel ? 'the kernel made it, barplane does not derive it' : 'barplane derives it, the kernel did not make it'}`,
      );
  }
  return { input, scenario, plan, binds, regions, bars, pes, reservations, disagreements };
}
