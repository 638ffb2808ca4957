import { parseU64, RegionInfo, VfioSparseArea } from '@barplane/domain';

/** One capability of a region as VFIO_DEVICE_GET_REGION_INFO gave it. */
export interface KernelRegionCap {
  readonly type: string;
  readonly areas?: readonly VfioSparseArea[];
}

/** One region of a device fd, as the kernel reported it: flags READ, WRITE, MMAP (CAPS is implied by `caps`). */
export type KernelRegion = RegionInfo<string, KernelRegionCap>;

export interface KernelDevice {
  readonly bdf: string;
  readonly group: string;
  readonly regions: readonly KernelRegion[];
}

export interface BindResult {
  readonly bdf: string;
  readonly bound: boolean;
  /** A bridge (header type 1 or 2) the lab asked vfio-pci to bind, to see it refuse. */
  readonly bridge?: boolean;
  /** The kernel's own line about a failed probe, when there is one. */
  readonly kernel?: string;
}

/** Everything a guest said about itself, typed (guest/init.sh and guest/vfio-probe.c). */
export interface GuestReport {
  readonly release?: string;
  readonly cmdline?: string;
  readonly pageSize?: bigint;
  readonly binds: readonly BindResult[];
  readonly devices: ReadonlyMap<string, KernelDevice>;
  /** Steps of the probe that failed, per function. */
  readonly errors: readonly { bdf: string; step: string; message: string }[];
  readonly insmodFailures: readonly { module: string; message: string }[];
  /** "vfio sub-page reserved" ranges of /proc/iomem while every device was open, [start, end). */
  readonly subPageReservations: readonly { start: bigint; end: bigint }[];
  readonly done: boolean;
}

type Json = Record<string, unknown>;

const hex = (value: unknown, what: string): bigint => {
  const v = typeof value === 'string' ? parseU64(value) : undefined;
  if (v === undefined) throw new Error(`${what}: "${String(value)}" is not a 64-bit hex value`);
  return v;
};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function region(raw: Json, bdf: string): KernelRegion | undefined {
  const index = Number(raw.index);
  if (raw.errno !== undefined) return undefined;
  const caps = Array.isArray(raw.caps) ? (raw.caps as Json[]) : [];
  return {
    index,
    size: hex(raw.size, `${bdf} region ${index} size`),
    offset: hex(raw.offset, `${bdf} region ${index} offset`),
    flags: (Array.isArray(raw.flags) ? (raw.flags as string[]) : []).filter((f) => f !== 'CAPS'),
    caps: caps.map((c) => ({
      type: String(c.type),
      ...(Array.isArray(c.areas)
        ? {
            areas: (c.areas as Json[]).map((a) => ({
              offset: hex(a.offset, `${bdf} sparse offset`),
              size: hex(a.size, `${bdf} sparse size`),
            })),
          }
        : {}),
    })),
  };
}

/** Reads the guest's "@@bp" events; throws on an event whose values are not what the probe prints. */
export function readGuestReport(events: readonly unknown[]): GuestReport {
  let release: string | undefined;
  let cmdline: string | undefined;
  let pageSize: bigint | undefined;
  let done = false;
  const binds: BindResult[] = [];
  const devices = new Map<string, KernelDevice>();
  const errors: GuestReport['errors'][number][] = [];
  const insmodFailures: GuestReport['insmodFailures'][number][] = [];
  const subPageReservations: GuestReport['subPageReservations'][number][] = [];
  for (const e of events as Json[]) {
    switch (e.type) {
      case 'boot':
        release = text(e.release);
        cmdline = text(e.cmdline);
        break;
      case 'host':
        pageSize = BigInt(Number(e.pageSize));
        break;
      case 'bind':
        binds.push({
          bdf: String(e.bdf),
          bound: e.bound === true,
          ...(e.bridge === true ? { bridge: true } : {}),
          ...(text(e.kernel) ? { kernel: text(e.kernel) } : {}),
        });
        break;
      case 'device': {
        const bdf = String(e.bdf);
        const regions = (Array.isArray(e.regions) ? (e.regions as Json[]) : []).flatMap((r) => region(r, bdf) ?? []);
        devices.set(bdf, { bdf, group: String(e.group), regions });
        break;
      }
      case 'error':
        errors.push({ bdf: String(e.bdf), step: String(e.step), message: String(e.message) });
        break;
      case 'insmod':
        insmodFailures.push({ module: String(e.module), message: String(e.message) });
        break;
      case 'iomem':
        if (String(e.name) === 'vfio sub-page reserved') {
          subPageReservations.push({ start: hex(e.start, 'iomem start'), end: hex(e.end, 'iomem end') + 1n });
        }
        break;
      case 'done':
        done = true;
        break;
      default:
        break;
    }
  }
  return { release, cmdline, pageSize, binds, devices, errors, insmodFailures, subPageReservations, done };
}
