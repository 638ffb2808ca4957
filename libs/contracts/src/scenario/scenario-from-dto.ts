// Deep imports: `barplane plan` reads scenarios through this module, and the domain's index
// would load every decider with it (~40 modules, ~30 ms of the command).
import type { Bar } from '@barplane/domain/pci/bar';
import { parseBdf } from '@barplane/domain/pci/bdf';
import { Host, defaultKernel, defaultKvmMemslots } from '@barplane/domain/pci/host';
import type { Pe, PciFunction } from '@barplane/domain/pci/pe';
import { Vm, vmWithDefaults } from '@barplane/domain/pci/vm';
import type { Scenario } from '@barplane/domain/scenario/scenario';
import { scenarioProblems } from '@barplane/domain/scenario/scenario-problems';
import type { ScenarioRead } from './read-scenario';
import { u64 } from '../validation/u64-json';
import { AddressRangeDto } from './address-range.dto';
import { FunctionDto } from './function.dto';
import { HostDto } from './host.dto';
import { ScenarioDto } from './scenario.dto';
import { VmDto } from './vm.dto';

/** A shape-valid DTO as the domain's scenario, or the problems of the rules that span fields. */
export function checkedScenario(dto: ScenarioDto): ScenarioRead {
  const scenario = scenarioFromDto(dto);
  const rules = scenarioProblems(scenario);
  return rules.length > 0 ? { ok: false, problems: rules } : { ok: true, scenario };
}

/** A shape-valid DTO as the domain's scenario: bigints, canonical BDFs, scenario.md defaults. */
export function scenarioFromDto(dto: ScenarioDto): Scenario {
  const host = hostFromDto(dto.host);
  const pes: Pe[] = dto.pes.map((pe) => ({
    id: pe.id,
    alignment: pe.alignment ?? 'auto',
    functions: pe.functions.map(functionFromDto),
  }));
  const scenario: Scenario = { host, pes };
  return dto.vm ? { ...scenario, vm: vmFromDto(dto.vm, host, pes) } : scenario;
}

export function rangeFromDto(r: AddressRangeDto) {
  const start = u64(r.start);
  return { start, end: start + u64(r.size) };
}

export function hostFromDto(h: HostDto): Host {
  return {
    id: h.id,
    platform: h.platform,
    pageSize: u64(h.pageSize),
    kernel: { ...defaultKernel(h.platform), ...definedOnly(h.kernel ?? {}) },
    kvmMemslots: h.kvmMemslots ?? defaultKvmMemslots(h.platform),
    reservedRanges: (h.reservedRanges ?? []).map(rangeFromDto),
    phbs: (h.phbs ?? []).map((p) => ({
      domain: p.domain.toLowerCase(),
      peCount: p.peCount,
      m32Window: p.m32Window && { start: u64(p.m32Window.start), size: u64(p.m32Window.size) },
      m64Window: p.m64Window && { start: u64(p.m64Window.start), size: u64(p.m64Window.size) },
    })),
  };
}

export function functionFromDto(f: FunctionDto): PciFunction {
  const dtoBars = f.bars ?? [];
  const bars: Bar[] = new Array<Bar>(dtoBars.length);
  for (let i = 0; i < dtoBars.length; i++) {
    const b = dtoBars[i];
    bars[i] = {
      index: b.index,
      kind: b.kind,
      address: u64(b.address),
      size: u64(b.size),
      prefetchable: b.prefetchable ?? false,
      fixed: b.fixed ?? false,
    };
  }
  // Built in place, not spread: a scenario can hold tens of thousands of functions.
  const fn: { -readonly [K in keyof PciFunction]: PciFunction[K] } = {
    bdf: canonicalBdf(f.bdf),
    isVf: f.isVf ?? false,
    bars,
  };
  if (f.vendorDevice) fn.vendorDevice = f.vendorDevice.toLowerCase();
  const m = f.msix;
  if (m) {
    fn.msix = {
      tableBar: m.tableBar,
      tableOffset: u64(m.tableOffset),
      vectors: m.vectors,
      ...(m.pbaBar !== undefined ? { pbaBar: m.pbaBar } : {}),
      ...(m.pbaOffset !== undefined ? { pbaOffset: u64(m.pbaOffset) } : {}),
    };
  }
  return fn;
}

export function vmFromDto(v: VmDto, host: Host, pes: readonly Pe[]): Vm {
  return vmWithDefaults(v.id, v, host.platform, {
    assignedPes: v.assignedPes ?? pes.map((pe) => pe.id),
    guestBars: (v.guestBars ?? []).map((g) => ({ bdf: canonicalBdf(g.bdf), index: g.index, address: u64(g.address) })),
  });
}

export function canonicalBdf(text: string): string {
  const parsed = parseBdf(text);
  return parsed.ok ? parsed.bdf : text;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
