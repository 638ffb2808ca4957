import {
  compareIds,
  functionToJson,
  kernelFeaturesOf,
  MIN_BAR_SIZE,
  msixPbaSize,
  msixTableSize,
  parseKernelRelease,
  toHex,
  U64_LIMIT,
} from '@barplane/domain';
import {
  HostBasics,
  ImportedBar,
  ImportedFunction,
  ImportedMsix,
  ImportedScenarioJson,
  ImportResult,
  ScenarioFunctionJson,
  ScenarioPeJson,
} from './imported';

const isPow2 = (v: bigint) => v > 0n && (v & (v - 1n)) === 0n;

/** Why a BAR cannot go into a scenario as the source gave it, or undefined when it can. */
export function barProblem(b: ImportedBar): string | undefined {
  if (b.size === 0n) return undefined;
  if (!isPow2(b.size)) return `size ${toHex(b.size)} is not a power of two`;
  if (b.size < MIN_BAR_SIZE[b.kind])
    return `size ${toHex(b.size)} is below the ${b.kind} minimum ${toHex(MIN_BAR_SIZE[b.kind])}`;
  if (b.address % b.size !== 0n) return `address ${toHex(b.address)} is not aligned to its size ${toHex(b.size)}`;
  if (b.address + b.size > U64_LIMIT) return `address ${toHex(b.address)} + size ${toHex(b.size)} is above 2^64`;
  return undefined;
}

/** Why an MSI-X layout does not fit the function's BARs, or undefined when it does. */
export function msixProblem(m: ImportedMsix, bars: readonly ImportedBar[]): string | undefined {
  const parts: [string, number, bigint, bigint][] = [
    ['table', m.tableBar, m.tableOffset, msixTableSize(m.vectors)],
    ['PBA', m.pbaBar, m.pbaOffset, msixPbaSize(m.vectors)],
  ];
  if (m.vectors < 1 || m.vectors > 2048) return `${m.vectors} vectors is outside 1..2048`;
  for (const [what, index, offset, size] of parts) {
    const bar = bars.find((b) => b.index === index);
    if (!bar) return `the ${what} is in BAR ${index}, which the source does not show`;
    if (bar.kind === 'io' || bar.kind === 'rom') return `the ${what} is in BAR ${index}, an ${bar.kind} BAR`;
    if (offset + size > bar.size)
      return `the ${what} (${toHex(offset)}+${toHex(size)}) reaches past the end of BAR ${index} (${toHex(bar.size)})`;
  }
  return undefined;
}

/**
 * Puts imported functions into PEs and writes the scenario (docs/scenario.md, no `vm`).
 * PEs are IOMMU groups (`iommu-<n>`); with no groups anywhere, one PE per function named by
 * its BDF. Facts that cannot go into a valid scenario are left out and said in `warnings`.
 */
export function assembleScenario(
  host: HostBasics,
  functions: readonly ImportedFunction[],
  warnings: string[],
): ImportResult {
  const seen = new Set<string>();
  const kept: ImportedFunction[] = [];
  for (const f of functions) {
    if (seen.has(f.bdf)) {
      warnings.push(`${f.bdf}: shown twice; the second one is left out`);
      continue;
    }
    seen.add(f.bdf);
    const bars = f.bars.filter((b) => {
      const problem = barProblem(b);
      if (problem) warnings.push(`${f.bdf}: BAR ${b.index} left out: ${problem}`);
      return !problem;
    });
    let msix = f.msix;
    if (msix) {
      const problem = msixProblem(msix, bars);
      if (problem) {
        warnings.push(`${f.bdf}: MSI-X left out: ${problem}`);
        msix = undefined;
      }
    }
    kept.push({ ...f, bars, msix });
  }

  // Bridges are never a VM's (vfio-pci binds only type 0 headers), so they are in no PE; their
  // memory BARs still hold MMIO a sub-page BAR's page may share, so they become reserved ranges.
  const reserved: { start: bigint; size: bigint }[] = [];
  for (const b of kept.filter((f) => f.bridge)) {
    const mmio = b.bars.filter((bar) => bar.kind !== 'io' && bar.size > 0n);
    warnings.push(
      `${b.bdf}: a bridge: vfio-pci binds only normal (type 0) functions, so it is in no PE` +
        (mmio.length > 0
          ? `; its BAR${mmio.length > 1 ? 's' : ''} ${mmio.map((bar) => bar.index).join(', ')} kept as reserved MMIO`
          : ''),
    );
    for (const bar of mmio) reserved.push({ start: bar.address, size: bar.size });
  }
  const endpoints = kept.filter((f) => !f.bridge);
  const grouped = endpoints.some((f) => f.iommuGroup !== undefined);
  if (endpoints.length > 0 && !grouped) {
    warnings.push(
      'no IOMMU groups shown (IOMMU off, or a source that does not print them): one PE per function, named by its BDF',
    );
  }
  const pes = new Map<string, ImportedFunction[]>();
  for (const f of endpoints) {
    let id: string;
    if (f.iommuGroup !== undefined) id = `iommu-${f.iommuGroup}`;
    else {
      id = f.bdf;
      if (grouped) warnings.push(`${f.bdf}: no IOMMU group shown; it is its own PE "${f.bdf}"`);
    }
    const members = pes.get(id) ?? [];
    members.push(f);
    pes.set(id, members);
  }
  const peJson: ScenarioPeJson[] = [...pes.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([id, members]) => ({ id, functions: members.sort((a, b) => compareIds(a.bdf, b.bdf)).map(functionJson) }));
  return {
    scenario: {
      host: {
        id: host.id,
        platform: host.platform,
        pageSize: toHex(host.pageSize),
        ...kernelOf(host, warnings),
        ...(reserved.length > 0
          ? {
              reservedRanges: reserved
                .sort((a, b) => (a.start < b.start ? -1 : 1))
                .map((r) => ({ start: toHex(r.start), size: toHex(r.size) })),
            }
          : {}),
      },
      pes: peJson,
    },
    warnings,
  };
}

/** The kernel features and memslot limit of the host's kernel release, when the source gave one. */
function kernelOf(host: HostBasics, warnings: string[]): Pick<ImportedScenarioJson['host'], 'kernel' | 'kvmMemslots'> {
  if (host.kernelRelease === undefined) return {};
  const version = parseKernelRelease(host.kernelRelease);
  if (!version) {
    warnings.push(
      `kernel release "${host.kernelRelease.trim()}" is not a version: kernel features default to a current kernel`,
    );
    return {};
  }
  return kernelFeaturesOf(version, host.platform);
}

function functionJson(f: ImportedFunction): ScenarioFunctionJson {
  return functionToJson({ ...f, bars: [...f.bars].sort((a, b) => a.index - b.index) });
}
