import { structuralEqual } from '../decider/structural-equal';
import { Bar } from '../pci/bar';
import { compareIds } from '../pci/bdf';
import { Pe, PciFunction } from '../pci/pe';

export interface TopologyDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/**
 * BDFs added, removed and changed from `before` to `after`, each in code-point order.
 * Changed: a BAR appeared, vanished, moved, was resized or changed kind; the MSI-X layout
 * changed; or the VF flag flipped. A function that only moved to another PE is not changed.
 */
export function topologyDiff(before: readonly Pe[], after: readonly Pe[]): TopologyDiff {
  const old = functionsByBdf(before);
  const now = functionsByBdf(after);
  const added = [...now.keys()].filter((bdf) => !old.has(bdf));
  const removed = [...old.keys()].filter((bdf) => !now.has(bdf));
  const changed = [...now.keys()].filter((bdf) => old.has(bdf) && functionChanged(old.get(bdf)!, now.get(bdf)!));
  return { added: added.sort(compareIds), removed: removed.sort(compareIds), changed: changed.sort(compareIds) };
}

function functionsByBdf(pes: readonly Pe[]): Map<string, PciFunction> {
  const map = new Map<string, PciFunction>();
  for (const pe of pes) for (const fn of pe.functions) if (!map.has(fn.bdf)) map.set(fn.bdf, fn);
  return map;
}

function functionChanged(a: PciFunction, b: PciFunction): boolean {
  return a.isVf !== b.isVf || !structuralEqual(a.msix, b.msix) || barsChanged(a.bars, b.bars);
}

function barsChanged(a: readonly Bar[], b: readonly Bar[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((x) => {
    const y = b.find((bar) => bar.index === x.index);
    return !y || y.address !== x.address || y.size !== x.size || y.kind !== x.kind;
  });
}
