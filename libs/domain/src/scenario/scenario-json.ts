import { Bar } from '../pci/bar';
import { toHex } from '../pci/hex';
import { Host } from '../pci/host';
import { Pe, PciFunction } from '../pci/pe';
import { Vm } from '../pci/vm';
import { Scenario } from './scenario';

/**
 * Domain facts in their wire form (scenario.md): every 64-bit value a "0x..." string, every
 * default written out, so that an event or an audit record says exactly what was decided from.
 */
export function hostToJson(h: Host) {
  return {
    id: h.id,
    platform: h.platform,
    pageSize: toHex(h.pageSize),
    kernel: { ...h.kernel },
    kvmMemslots: h.kvmMemslots,
    reservedRanges: h.reservedRanges.map((r) => ({ start: toHex(r.start), size: toHex(r.end - r.start) })),
    phbs: h.phbs.map((p) => ({
      domain: p.domain,
      ...(p.peCount !== undefined ? { peCount: p.peCount } : {}),
      ...(p.m32Window ? { m32Window: { start: toHex(p.m32Window.start), size: toHex(p.m32Window.size) } } : {}),
      ...(p.m64Window ? { m64Window: { start: toHex(p.m64Window.start), size: toHex(p.m64Window.size) } } : {}),
    })),
  };
}

export function barToJson(b: Bar) {
  return {
    index: b.index,
    kind: b.kind,
    prefetchable: b.prefetchable,
    fixed: b.fixed,
    address: toHex(b.address),
    size: toHex(b.size),
  };
}

export function functionToJson(f: PciFunction) {
  return {
    bdf: f.bdf,
    ...(f.vendorDevice ? { vendorDevice: f.vendorDevice } : {}),
    isVf: f.isVf,
    bars: f.bars.map(barToJson),
    ...(f.msix
      ? {
          msix: {
            tableBar: f.msix.tableBar,
            tableOffset: toHex(f.msix.tableOffset),
            vectors: f.msix.vectors,
            ...(f.msix.pbaBar !== undefined ? { pbaBar: f.msix.pbaBar } : {}),
            ...(f.msix.pbaOffset !== undefined ? { pbaOffset: toHex(f.msix.pbaOffset) } : {}),
          },
        }
      : {}),
  };
}

export function peToJson(p: Pe) {
  return { id: p.id, alignment: p.alignment, functions: p.functions.map(functionToJson) };
}

export function vmToJson(v: Vm) {
  return {
    id: v.id,
    machine: v.machine,
    msixEmulation: v.msixEmulation,
    noMmap: v.noMmap,
    msixRelocation: v.msixRelocation,
    memslotsUsed: v.memslotsUsed,
    assignedPes: [...v.assignedPes],
    guestBars: v.guestBars.map((g) => ({ bdf: g.bdf, index: g.index, address: toHex(g.address) })),
  };
}

export function scenarioToJson(s: Scenario) {
  return { host: hostToJson(s.host), pes: s.pes.map(peToJson), ...(s.vm ? { vm: vmToJson(s.vm) } : {}) };
}
