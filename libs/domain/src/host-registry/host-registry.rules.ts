import { parseBdf } from '../pci/bdf';
import { toHex } from '../pci/hex';
import { Host, PAGE_SIZES, PLATFORMS } from '../pci/host';
import { ALIGNMENT_OVERRIDES, Pe } from '../pci/pe';
import { Problem } from '../scenario/problem';
import { scenarioProblems } from '../scenario/scenario-problems';

/**
 * Field rules scenarioProblems assumes the parser already enforced, checked again because a
 * command need not come through the parser. Paths as in a scenario.
 */
export function hostShapeProblems(host: Host): Problem[] {
  const problems: Problem[] = [];
  if (!host.id) problems.push({ path: 'host.id', message: 'the host id is empty' });
  if (!(PLATFORMS as readonly string[]).includes(host.platform)) {
    problems.push({ path: 'host.platform', message: `"${host.platform}" is not one of ${PLATFORMS.join(', ')}` });
  }
  if (!PAGE_SIZES.some((p) => p === host.pageSize)) {
    problems.push({
      path: 'host.pageSize',
      message: `${toHex(host.pageSize)} is not one of ${PAGE_SIZES.map(toHex).join(', ')}`,
    });
  }
  if (!Number.isSafeInteger(host.kvmMemslots) || host.kvmMemslots < 0) {
    problems.push({ path: 'host.kvmMemslots', message: `${host.kvmMemslots} is not a non-negative integer` });
  }
  host.reservedRanges.forEach((r, i) => {
    if (r.start < 0n || r.end < r.start)
      problems.push({ path: `host.reservedRanges[${i}]`, message: 'not a range of addresses' });
  });
  return problems;
}

export function topologyShapeProblems(pes: readonly Pe[]): Problem[] {
  const problems: Problem[] = [];
  pes.forEach((pe, p) => {
    if (!pe.id) problems.push({ path: `pes[${p}].id`, message: 'the PE id is empty' });
    if (!ALIGNMENT_OVERRIDES.includes(pe.alignment)) {
      problems.push({
        path: `pes[${p}].alignment`,
        message: `"${pe.alignment}" is not one of ${ALIGNMENT_OVERRIDES.join(', ')}`,
      });
    }
    pe.functions.forEach((fn, f) => {
      const parsed = parseBdf(fn.bdf);
      const path = `pes[${p}].functions[${f}]`;
      if (!parsed.ok) problems.push({ path: `${path}.bdf`, message: parsed.problem });
      else if (parsed.bdf !== fn.bdf)
        problems.push({ path: `${path}.bdf`, message: `"${fn.bdf}" is not canonical: write ${parsed.bdf}` });
      fn.bars.forEach((bar, b) => {
        if (bar.address < 0n) problems.push({ path: `${path}.bars[${b}].address`, message: 'the address is negative' });
        if (bar.size < 0n) problems.push({ path: `${path}.bars[${b}].size`, message: 'the size is negative' });
      });
    });
  });
  return problems;
}

/** Everything wrong with a host and its topology: shape first, then scenarioProblems. */
export function topologyProblems(host: Host, pes: readonly Pe[]): Problem[] {
  const shape = [...hostShapeProblems(host), ...topologyShapeProblems(pes)];
  return shape.length > 0 ? shape : scenarioProblems({ host, pes });
}
