import { Bar } from '../pci/bar';
import { compareIds } from '../pci/bdf';
import { Pe, PciFunction } from '../pci/pe';

const byId = (a: Pe, b: Pe) => compareIds(a.id, b.id);
const byBdf = (a: PciFunction, b: PciFunction) => compareIds(a.bdf, b.bdf);
const byIndex = (a: Bar, b: Bar) => a.index - b.index;

/**
 * PEs by id, functions by BDF, BARs by index (scenario.md "Output"); copies only what is out
 * of order, so BAR objects stay the ones given (the indexes compare owners by identity). Input is
 * nearly always in order already: that is checked first, allocating nothing.
 */
export function inDecisionOrder(pes: readonly Pe[]): readonly Pe[] {
  if (isInDecisionOrder(pes)) return pes;
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

/** The check, written out per level: a shared comparator call per item costs more than the compare. */
function isInDecisionOrder(pes: readonly Pe[]): boolean {
  for (let p = 0; p < pes.length; p++) {
    if (p > 0 && pes[p - 1].id > pes[p].id) return false;
    const functions = pes[p].functions;
    for (let f = 0; f < functions.length; f++) {
      if (f > 0 && functions[f - 1].bdf > functions[f].bdf) return false;
      const bars = functions[f].bars;
      for (let b = 1; b < bars.length; b++) if (bars[b - 1].index > bars[b].index) return false;
    }
  }
  return true;
}

function sortedCopy<T>(items: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1], items[i]) > 0) return [...items].sort(compare);
  return items;
}
