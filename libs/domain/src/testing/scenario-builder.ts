import { Bar, BarKind } from '../pci/bar';
import { Host, Platform, defaultKernel, defaultKvmMemslots } from '../pci/host';
import { MsixLayout } from '../pci/msix';
import { Pe, PciFunction } from '../pci/pe';
import { GuestBar, Vm, defaultMachine, defaultMsixEmulation } from '../pci/vm';
import { BarDecision } from '../decision/bar-decision';
import { Plan } from '../plan/plan';
import { planScenario } from '../plan/plan-scenario';
import { Scenario } from '../scenario/scenario';

/** Small builders for domain scenarios in specs; defaults follow scenario.md. */
export function host(platform: Platform, pageSize: bigint, over: Partial<Host> = {}): Host {
  return {
    id: `${platform}-host`,
    platform,
    pageSize,
    kernel: { ...defaultKernel(platform), ...over.kernel },
    kvmMemslots: defaultKvmMemslots(platform),
    reservedRanges: [],
    phbs: [],
    ...over,
  };
}

export function bar(index: number, kind: BarKind, address: bigint, size: bigint, over: Partial<Bar> = {}): Bar {
  return { index, kind, address, size, prefetchable: false, fixed: false, ...over };
}

export interface FnOptions {
  readonly isVf?: boolean;
  readonly msix?: MsixLayout;
  readonly vendorDevice?: string;
}

export function fn(bdf: string, bars: Bar[], over: FnOptions = {}): PciFunction {
  return {
    bdf,
    ...(over.vendorDevice ? { vendorDevice: over.vendorDevice } : {}),
    isVf: over.isVf ?? false,
    bars,
    ...(over.msix ? { msix: over.msix } : {}),
  };
}

export function pe(id: string, functions: PciFunction[], alignment: Pe['alignment'] = 'auto'): Pe {
  return { id, alignment, functions };
}

export function vm(h: Host, pes: Pe[], over: Partial<Vm> = {}): Vm {
  const machine = over.machine ?? defaultMachine(h.platform);
  return {
    id: 'vm1',
    machine,
    msixEmulation: defaultMsixEmulation(machine),
    noMmap: false,
    msixRelocation: 'off',
    memslotsUsed: 0,
    assignedPes: pes.map((p) => p.id),
    guestBars: [],
    ...over,
  };
}

export function scenario(h: Host, pes: Pe[], v?: Vm): Scenario {
  return v ? { host: h, pes, vm: v } : { host: h, pes };
}

/** The decision of one BAR in a plan; throws if the plan has none. */
export function decisionOf(plan: Plan, bdf: string, index: number): BarDecision {
  const found = plan.bars.find((b) => b.bdf === bdf && b.index === index);
  if (!found) throw new Error(`no decision for ${bdf} BAR ${index}`);
  return found;
}

export const P4K = 0x1000n;
export const P64K = 0x10000n;
/** The function of the single-function specs. */
export const F0 = '0000:01:00.0';
/** An NVMe's MSI-X: 32 vectors, the table at 0x2000 and the PBA at 0x3000 of BAR 0 (worked examples 5-7). */
export const NVME_MSIX: MsixLayout = { tableBar: 0, tableOffset: 0x2000n, vectors: 32, pbaBar: 0, pbaOffset: 0x3000n };

/** The plan of PE 0000:01 with `functions` on `h`, and a VM of the defaults holding it that programmed `guestBars`. */
export function planPe(h: Host, functions: PciFunction[], guestBars: GuestBar[], vmOver: Partial<Vm> = {}): Plan {
  const pes = [pe('0000:01', functions)];
  return planScenario(scenario(h, pes, vm(h, pes, { ...vmOver, guestBars })));
}

/** `planPe` of F0 alone with `bars`, its BAR 0 programmed at `guest`. */
export function planF0(h: Host, bars: Bar[], guest: bigint, over: FnOptions & { vm?: Partial<Vm> } = {}): Plan {
  return planPe(h, [fn(F0, bars, over)], [{ bdf: F0, index: 0, address: guest }], over.vm);
}

/** Direct ranges (offset within the BAR, size) as a decision lists them. */
export function ranges(...spans: [offset: bigint, size: bigint][]): { offset: bigint; size: bigint }[] {
  return spans.map(([offset, size]) => ({ offset, size }));
}
