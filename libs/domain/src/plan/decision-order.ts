import { Bar } from '../pci/bar';
import { compareIds } from '../pci/bdf';
import { Pe, PciFunction } from '../pci/pe';

/**
 * PEs by id, functions by BDF, BARs by index (scenario.md "Output"); copies only what is out
 * of order, so BAR objects stay the ones given (identity-keyed maps rely on it).
 */
export function inDecisionOrder(pes: readonly Pe[]): readonly Pe[] {
  const byId = (a: Pe, b: Pe) => compareIds(a.id, b.id);
  const byBdf = (a: PciFunction, b: PciFunction) => compareIds(a.bdf, b.bdf);
  const byIndex = (a: Bar, b: Bar) => a.index - b.index;
  const sortedPes = sortedCopy(pes, byId);
  let changed = sortedPes !== pes;
  const out = sortedPes.map((pe) => {
    let fnChanged = false;
    const functions = sortedCopy(pe.functions, byBdf).map((fn) => {
      const bars = sortedCopy(fn.bars, byIndex);
      if (bars === fn.bars) return fn;
      fnChanged = true;
      return { ...fn, bars };
    });
    if (!fnChanged && functions.every((fn, i) => fn === pe.functions[i])) return pe;
    changed = true;
    return { ...pe, functions };
  });
  return changed ? out : pes;
}

function sortedCopy<T>(items: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1], items[i]) > 0) return [...items].sort(compare);
  return items;
}
