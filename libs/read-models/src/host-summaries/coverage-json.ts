import { FastPathCoverage, toHex } from '@barplane/domain';

/** Fast-path coverage as JSON (and on the wire): counts as numbers, bytes as "0x..." strings. */
export interface CoverageJson {
  bars: { total: number; fastPath: number; byMode: Record<string, number> };
  /** Memory BARs only (mem32, mem64): I/O and ROM bytes never count. */
  bytes: { total: string; fastPath: string; byMode: Record<string, string> };
  byteShare: number | null;
  notAssigned: { bars: number; bytes: string; byMode: Record<string, number> };
}

export function coverageJson(c: FastPathCoverage): CoverageJson {
  const hexes = (r: Record<string, bigint>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toHex(v)]));
  return {
    bars: c.bars,
    bytes: { total: toHex(c.bytes.total), fastPath: toHex(c.bytes.fastPath), byMode: hexes(c.bytes.byMode) },
    byteShare: c.byteShare,
    notAssigned: { bars: c.notAssigned.bars, bytes: toHex(c.notAssigned.bytes), byMode: c.notAssigned.byMode },
  };
}
