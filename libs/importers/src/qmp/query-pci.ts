import { Problem } from '@barplane/domain';

/** One region of a device as QMP `query-pci` reports it (QEMU qapi/pci.json, PciMemoryRegion). */
export interface QmpPciRegion {
  /** 0..5, or 6 for the expansion ROM. */
  readonly bar: number;
  readonly type: 'io' | 'memory';
  /** Where the guest placed it; null for QEMU's -1 (not decoded: unassigned or decoding off). */
  readonly address: bigint | null;
  readonly size: bigint;
  readonly prefetch?: boolean;
  readonly mem64?: boolean;
}

/** One device (PciDeviceInfo), bridges with the devices behind them. */
export interface QmpPciDevice {
  readonly bus: number;
  readonly slot: number;
  readonly function: number;
  /** The QEMU device id (`-device ...,id=`): "" for a device without one. */
  readonly qdevId: string;
  readonly classDesc?: string;
  readonly regions: readonly QmpPciRegion[];
  /** Present on a PCI bridge: the devices on its secondary bus. */
  readonly bridged?: readonly QmpPciDevice[];
}

export type QueryPciRead =
  | { readonly ok: true; readonly devices: readonly QmpPciDevice[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const U64_LIMIT = 1n << 64n;

/**
 * Reads the return value of `query-pci` (a list of root buses), as QEMU answers it or as saved
 * from a QMP session (`{ "return": [...] }` is accepted too). Integers must come as bigints
 * (parseQmpJson). Every problem is named with its JSON path; the devices come in bus order,
 * each bus flattened depth first.
 */
export function readQueryPci(value: unknown): QueryPciRead {
  const problems: Problem[] = [];
  const none = (path: string, message: string): [] => (problems.push({ path, message }), []);
  const top = isObject(value) && 'return' in value ? value.return : value;
  const base = isObject(value) && 'return' in value ? '$.return' : '$';
  if (!Array.isArray(top))
    return {
      ok: false,
      problems: [{ path: base, message: 'not the return value of query-pci: expected a list of buses' }],
    };
  const int = (v: unknown, path: string, max: number): number => {
    if (typeof v !== 'bigint' || v < 0n || v > BigInt(max)) {
      problems.push({ path, message: `expected an integer 0..${max}, got ${describe(v)}` });
      return 0;
    }
    return Number(v);
  };
  const readRegion = (r: unknown, path: string): QmpPciRegion | undefined => {
    if (!isObject(r)) return void none(path, 'expected a region object');
    const bar = int(r.bar, `${path}.bar`, 6);
    if (r.type !== 'io' && r.type !== 'memory')
      problems.push({ path: `${path}.type`, message: `expected "io" or "memory", got ${describe(r.type)}` });
    let address: bigint | null = null;
    if (typeof r.address !== 'bigint' || r.address < -1n || r.address >= U64_LIMIT) {
      problems.push({
        path: `${path}.address`,
        message: `expected an address (an integer below 2^64, or -1 when not mapped), got ${describe(r.address)}`,
      });
    } else if (r.address !== -1n) address = r.address;
    let size = 0n;
    if (typeof r.size !== 'bigint' || r.size <= 0n || r.size >= U64_LIMIT)
      problems.push({ path: `${path}.size`, message: `expected a size above 0, got ${describe(r.size)}` });
    else size = r.size;
    const flag = (k: string) => (typeof r[k] === 'boolean' ? (r[k] as boolean) : undefined);
    return {
      bar,
      type: r.type as QmpPciRegion['type'],
      address,
      size,
      prefetch: flag('prefetch'),
      mem64: flag('mem_type_64'),
    };
  };
  const readDevices = (list: unknown, path: string, depth: number): QmpPciDevice[] => {
    if (!Array.isArray(list)) return none(path, 'expected a list of devices');
    // PCI allows 256 buses; deeper nesting than that is not a bus tree.
    if (depth > 256) return none(path, 'bridges nested deeper than 256 buses');
    return list.flatMap((d, i) => {
      const at = `${path}[${i}]`;
      if (!isObject(d)) return none(at, 'expected a device object');
      if (typeof d.qdev_id !== 'string')
        problems.push({ path: `${at}.qdev_id`, message: `expected a string, got ${describe(d.qdev_id)}` });
      const regions = Array.isArray(d.regions)
        ? d.regions.flatMap((r, j) => readRegion(r, `${at}.regions[${j}]`) ?? [])
        : none(`${at}.regions`, 'expected a list of regions');
      const classInfo = isObject(d.class_info) ? d.class_info : {};
      const bridge = isObject(d.pci_bridge) ? d.pci_bridge : undefined;
      const device: QmpPciDevice = {
        bus: int(d.bus, `${at}.bus`, 0xff),
        slot: int(d.slot, `${at}.slot`, 0x1f),
        function: int(d.function, `${at}.function`, 7),
        qdevId: typeof d.qdev_id === 'string' ? d.qdev_id : '',
        ...(typeof classInfo.desc === 'string' ? { classDesc: classInfo.desc } : {}),
        regions,
        ...(bridge
          ? {
              bridged:
                bridge.devices === undefined ? [] : readDevices(bridge.devices, `${at}.pci_bridge.devices`, depth + 1),
            }
          : {}),
      };
      return [device];
    });
  };
  const devices = top.flatMap((bus, i) => {
    if (!isObject(bus)) return none(`${base}[${i}]`, 'expected a bus object');
    return readDevices(bus.devices, `${base}[${i}].devices`, 0);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, devices };
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return 'nothing';
  return JSON.stringify(v) ?? String(v);
}

/** Every device, the ones behind bridges included, depth first. */
export function allDevices(devices: readonly QmpPciDevice[]): QmpPciDevice[] {
  return devices.flatMap((d) => [d, ...allDevices(d.bridged ?? [])]);
}
