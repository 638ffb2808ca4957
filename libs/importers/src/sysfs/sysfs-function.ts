import { parseBdf } from '@barplane/domain';
import { ImportedBar, ImportedFunction } from '../imported';
import { headerType, implementedBar, readMsix } from './config-space';
import { parseResourceFile, resourceBar, ROM_RESOURCE } from './resource';

/** The files of one `/sys/bus/pci/devices/<bdf>` directory, as read (undefined: missing or unreadable). */
export interface SysfsDeviceFiles {
  /** The directory name, e.g. `0000:01:00.0`. */
  name: string;
  resource?: string;
  vendor?: string;
  device?: string;
  class?: string;
  config?: Uint8Array;
  /** Why `config` could not be read, when it could not. */
  configError?: string;
  /** Target of the `iommu_group` link (its last part is the group number). */
  iommuGroupLink?: string;
  /** Whether a `physfn` link is present: the function is an SR-IOV VF. */
  hasPhysfn: boolean;
}

const PCI_CLASS_BRIDGE_PCI = 0x0604;
const PCI_CLASS_BRIDGE_CARDBUS = 0x0607;

/** Number of BAR registers of a header type (R6.4): 6 normal, 2 PCI-PCI bridge, 1 CardBus. */
function barCount(type: number | undefined, classCode: number | undefined): number {
  if (type === 1) return 2;
  if (type === 2) return 1;
  if (type === 0) return 6;
  const base = classCode === undefined ? undefined : classCode >> 8;
  if (base === PCI_CLASS_BRIDGE_PCI) return 2;
  if (base === PCI_CLASS_BRIDGE_CARDBUS) return 1;
  return 6;
}

const hexId = (text: string | undefined): number | undefined => {
  const t = text?.trim();
  return t && /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : undefined;
};

/**
 * One function from its sysfs files (pure). Only the header's own BARs (0-5, 0-1 on a bridge)
 * and the ROM become BARs: SR-IOV resources (7-12) and bridge windows are not BARs of this
 * function (a VF's BARs are read from the VF's own directory). Returns undefined, with a
 * warning, for a directory that cannot be a function of a scenario.
 */
export function sysfsFunction(files: SysfsDeviceFiles, warnings: string[]): ImportedFunction | undefined {
  const parsed = parseBdf(files.name);
  if (!parsed.ok) {
    warnings.push(`${files.name}: left out: ${parsed.problem}`);
    return undefined;
  }
  const bdf = parsed.bdf;
  if (files.resource === undefined) {
    warnings.push(`${bdf}: left out: no readable resource file`);
    return undefined;
  }
  const classCode = hexId(files.class);
  const type = files.config ? headerType(files.config) : undefined;
  const count = barCount(type, classCode);

  const { lines, problems } = parseResourceFile(files.resource);
  for (const p of problems) warnings.push(`${bdf}: ${p}`);
  const bars: ImportedBar[] = [];
  for (const line of lines) {
    if (line.index >= count && line.index !== ROM_RESOURCE) continue;
    if (line.index > ROM_RESOURCE) continue;
    const r = resourceBar(line);
    if (r.ok) {
      const previous = bars[bars.length - 1];
      if (previous && previous.kind === 'mem64' && previous.index === line.index - 1 && line.index !== ROM_RESOURCE) {
        warnings.push(
          `${bdf}: BAR ${line.index} left out: it is the upper half of 64-bit BAR ${previous.index} yet has a resource of its own`,
        );
        continue;
      }
      bars.push({
        index: line.index,
        kind: r.kind,
        address: r.address,
        size: r.size,
        prefetchable: r.prefetchable,
        fixed: r.fixed,
      });
    } else if (r.absent) {
      // An implemented BAR the kernel could not assign (no window for it) has an empty
      // resource: vfio reports it with size 0 and the guest does not see it, so it is a BAR of size 0.
      const kind = line.index < ROM_RESOURCE && files.config ? implementedBar(files.config, line.index) : undefined;
      if (kind) {
        warnings.push(
          `${bdf}: BAR ${line.index} (${kind}) is implemented but has no host address (the kernel could not assign it): size 0, absent for a guest`,
        );
        bars.push({ index: line.index, kind, address: 0n, size: 0n, prefetchable: false, fixed: false });
      }
    } else {
      warnings.push(`${bdf}: ${line.index === ROM_RESOURCE ? 'ROM' : `BAR ${line.index}`} left out: ${r.problem}`);
    }
  }

  const vendor = hexId(files.vendor);
  const device = hexId(files.device);
  const vendorDevice =
    vendor !== undefined && device !== undefined && vendor <= 0xffff && device <= 0xffff
      ? `${vendor.toString(16).padStart(4, '0')}:${device.toString(16).padStart(4, '0')}`
      : undefined;

  let msix: ImportedFunction['msix'];
  if (!files.config) {
    warnings.push(`${bdf}: MSI-X not readable (config: ${files.configError ?? 'missing'})`);
  } else {
    const read = readMsix(files.config);
    if (read.known) msix = read.msix;
    else warnings.push(`${bdf}: MSI-X not readable (${read.reason})`);
  }

  const group = files.iommuGroupLink?.split('/').filter(Boolean).pop();
  const bridge = type === 1 || type === 2 || (type === undefined && count < 6);
  return { bdf, vendorDevice, isVf: files.hasPhysfn, bars, msix, iommuGroup: group, ...(bridge ? { bridge } : {}) };
}
