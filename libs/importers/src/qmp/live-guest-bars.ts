import { basename } from 'node:path';
import { BarplaneError } from '@barplane/contracts';
import { parseBdf } from '@barplane/domain';
import { GuestBarsFromQmp, guestBarsFromQueryPci } from './guest-bars-body';
import { QdevMapping, mergeMappings } from './qdev-mapping';
import { QmpClient, QmpCommandError } from './qmp-client';
import { QmpPciDevice, allDevices, readQueryPci } from './query-pci';

type Qmp = Pick<QmpClient, 'execute'>;

/** Devices QEMU was told to put on the VM, read once: query-pci, checked. */
export async function queryPci(qmp: Qmp): Promise<readonly QmpPciDevice[]> {
  const read = readQueryPci(await qmp.execute('query-pci'));
  if (!read.ok)
    throw new BarplaneError('INTERNAL', 'QEMU answered query-pci with a shape barplane does not read', read.problems);
  return read.devices;
}

/**
 * The host function of each vfio-pci device, asked from QEMU: `qom-get` of its `host`
 * property (`dddd:bb:dd.f`), or the last part of `sysfsdev` for one given by sysfs path. A
 * device that has neither (not vfio-pci) is no mapping.
 */
export async function hostBdfsFromQom(qmp: Qmp, devices: readonly QmpPciDevice[]): Promise<QdevMapping[]> {
  const found: QdevMapping[] = [];
  const property = async (path: string, name: string): Promise<string | undefined> => {
    try {
      const v = await qmp.execute('qom-get', { path, property: name });
      return typeof v === 'string' ? v : undefined;
    } catch (error) {
      if (error instanceof QmpCommandError) return undefined;
      throw error;
    }
  };
  for (const d of allDevices(devices)) {
    if (d.qdevId === '' || d.bridged !== undefined) continue;
    const path = `/machine/peripheral/${d.qdevId}`;
    for (const [name, pick] of [
      ['host', (v: string) => v],
      ['sysfsdev', (v: string) => basename(v)],
    ] as const) {
      const value = await property(path, name);
      const parsed = value === undefined ? undefined : parseBdf(pick(value));
      if (parsed?.ok) {
        found.push({ id: d.qdevId, bdf: parsed.bdf, source: 'qom-get host' });
        break;
      }
    }
  }
  return found;
}

/**
 * One reading of a live VM: query-pci, the host functions from QEMU (qom-get), then the
 * given mappings (libvirt, then --map, each winning over the one before), into the body.
 */
export async function liveGuestBars(
  qmp: Qmp,
  vmId: string,
  given: readonly (readonly QdevMapping[])[],
): Promise<GuestBarsFromQmp> {
  const devices = await queryPci(qmp);
  const merged = mergeMappings(await hostBdfsFromQom(qmp, devices), ...given);
  if (merged.problems.length > 0) throw BarplaneError.invalid(merged.problems, 'the device mapping is not one to one');
  const result = guestBarsFromQueryPci(vmId, devices, merged.map);
  return { body: result.body, warnings: [...merged.warnings, ...result.warnings] };
}
