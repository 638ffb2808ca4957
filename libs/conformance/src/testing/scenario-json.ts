/**
 * Pieces of a scenario as `barplane import` writes it (JSON, 64-bit values as hex strings), for specs
 * that compare what an import gives: the lab's fixtures here, and the CLI's tests in test/cli.
 */

/** A BAR as the imported scenario holds it (never fixed). */
export function scenarioBar(index: number, kind: string, prefetchable: boolean, address: string, size: string) {
  return { index, kind, prefetchable, fixed: false, address, size };
}

/** A function (not a VF) as the imported scenario holds it; without `msix` when MSI-X is unknown. */
export function scenarioFn(bdf: string, vendorDevice: string, bars: object[], msix?: object) {
  return { bdf, vendorDevice, isVf: false, bars, ...(msix === undefined ? {} : { msix }) };
}
