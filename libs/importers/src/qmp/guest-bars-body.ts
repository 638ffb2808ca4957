import { ROM_INDEX, compareIds, toHex } from '@barplane/domain';
import { QmpPciDevice, allDevices } from './query-pci';

/** The ProgramGuestBars body (`PUT /v1/vms/{vm}/guest-bars` without `vmId`): host BDFs, "0x..." or null. */
export interface GuestBarsBody {
  readonly vmId: string;
  readonly bars: readonly { readonly bdf: string; readonly index: number; readonly address: string | null }[];
}

export interface GuestBarsFromQmp {
  readonly body: GuestBarsBody;
  /** Devices left out (no mapping to a host function) and mappings that matched no device, for stderr. */
  readonly warnings: readonly string[];
}

/** Where a guest device sits, as QEMU names it: `00:02.0` (bus:slot.function). */
export const guestAddress = (d: QmpPciDevice): string =>
  `${d.bus.toString(16).padStart(2, '0')}:${d.slot.toString(16).padStart(2, '0')}.${d.function}`;

/**
 * The guest BAR set of a VM from `query-pci`: every memory BAR (0..5) of every device that
 * `hostBdf` maps (qdev id -> host BDF), at the guest address QEMU reports or null where the
 * guest has not mapped it. I/O BARs are left out (the guest-memory model never maps them, R4.2),
 * and so is the ROM (index 6: always emulated). Bridges are never a VFIO device and are only
 * walked through; every other device without a mapping is named in a warning, never skipped
 * silently.
 */
export function guestBarsFromQueryPci(
  vmId: string,
  devices: readonly QmpPciDevice[],
  hostBdf: ReadonlyMap<string, string>,
): GuestBarsFromQmp {
  const warnings: string[] = [];
  const bars: { bdf: string; index: number; address: string | null }[] = [];
  const seen = new Set<string>();
  const builtIn: string[] = [];
  for (const d of allDevices(devices)) {
    if (d.bridged !== undefined) continue;
    // The machine's own devices (host bridge, ISA bridge, ...) have no id: nothing can map them.
    if (d.qdevId === '') {
      builtIn.push(`${guestAddress(d)}${d.classDesc ? ` ${d.classDesc}` : ''}`);
      continue;
    }
    const bdf = hostBdf.get(d.qdevId);
    if (bdf === undefined) {
      warnings.push(
        `guest device ${guestAddress(d)} (${d.classDesc ? `${d.classDesc}, ` : ''}id "${d.qdevId}") has no host function mapped: left out`,
      );
      continue;
    }
    seen.add(d.qdevId);
    for (const r of d.regions) {
      if (r.type !== 'memory' || r.bar === ROM_INDEX) continue;
      bars.push({ bdf, index: r.bar, address: r.address === null ? null : toHex(r.address) });
    }
  }
  if (builtIn.length > 0)
    warnings.push(`${builtIn.length} device(s) without a qdev id (the machine's own) left out: ${builtIn.join(', ')}`);
  for (const id of [...hostBdf.keys()].sort(compareIds)) {
    if (!seen.has(id))
      warnings.push(`device id "${id}" (mapped to ${hostBdf.get(id)}) is not in query-pci: nothing sent for it`);
  }
  bars.sort((a, b) => compareIds(a.bdf, b.bdf) || a.index - b.index);
  return { body: { vmId, bars }, warnings };
}
