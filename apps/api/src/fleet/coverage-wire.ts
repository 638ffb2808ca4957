import { FastPathCoverage } from '@barplane/domain';
import { coverageJson } from '@barplane/read-models';
import { CoverageWire } from './fleet-wire';

/** Coverage on the wire: counts as numbers, bytes as "0x..." strings (as host summaries store it). */
export const coverageWire: (c: FastPathCoverage) => CoverageWire = coverageJson;

/** The coverage of several hosts together (the fleet's totals): counts and bytes add up, the share is taken again. */
export function sumCoverage(all: readonly FastPathCoverage[]): FastPathCoverage {
  const bars = { total: 0, fastPath: 0, byMode: {} as Record<string, number> };
  const bytes = { total: 0n, fastPath: 0n, byMode: {} as Record<string, bigint> };
  const notAssigned = { bars: 0, bytes: 0n, byMode: {} as Record<string, number> };
  for (const c of all) {
    bars.total += c.bars.total;
    bars.fastPath += c.bars.fastPath;
    addCounts(bars.byMode, c.bars.byMode);
    bytes.total += c.bytes.total;
    bytes.fastPath += c.bytes.fastPath;
    addBytes(bytes.byMode, c.bytes.byMode);
    notAssigned.bars += c.notAssigned.bars;
    notAssigned.bytes += c.notAssigned.bytes;
    addCounts(notAssigned.byMode, c.notAssigned.byMode);
  }
  const byteShare = bytes.total === 0n ? null : Number((bytes.fastPath * 1_000_000n) / bytes.total) / 1_000_000;
  return { bars, bytes, byteShare, notAssigned };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [mode, n] of Object.entries(from)) into[mode] = (into[mode] ?? 0) + n;
}

function addBytes(into: Record<string, bigint>, from: Record<string, bigint>): void {
  for (const [mode, n] of Object.entries(from)) into[mode] = (into[mode] ?? 0n) + n;
}
