import { Bar, BarKind } from '../pci/bar';
import { Host, Platform, defaultKernel, defaultKvmMemslots } from '../pci/host';
import { MsixLayout } from '../pci/msix';
import { Pe, PciFunction } from '../pci/pe';
import { Vm, defaultMachine, defaultMsixEmulation } from '../pci/vm';
import { BarDecision } from '../decision/bar-decision';
import { Plan } from '../plan/plan';
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

export function fn(bdf: string, bars: Bar[], over: { isVf?: boolean; msix?: MsixLayout } = {}): PciFunction {
  return { bdf, isVf: over.isVf ?? false, bars, ...(over.msix ? { msix: over.msix } : {}) };
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
