import { assembleScenario } from '../assemble';
import { HostBasics, ImportedFunction, ImportInputError, ImportResult } from '../imported';
import { pciDevicesDir, readKernelRelease, readSysfsDevices } from './sysfs-reader';
import { SysfsDeviceFiles, sysfsFunction } from './sysfs-function';

/** Builds the scenario from the files of every function directory (pure). */
export function scenarioFromSysfs(host: HostBasics, devices: readonly SysfsDeviceFiles[]): ImportResult {
  const warnings: string[] = [];
  const functions: ImportedFunction[] = [];
  for (const d of devices) {
    const f = sysfsFunction(d, warnings);
    if (f) functions.push(f);
  }
  return assembleScenario(host, functions, warnings);
}

export interface SysfsImportOptions {
  /** Directory holding `sys/bus/pci/devices` (and `proc/sys/kernel/osrelease`, if any); `/` for the running machine. */
  root: string;
  host: HostBasics;
}

/** Reads a sysfs tree and builds the scenario. Throws ImportInputError when there is nothing to import. */
export function importSysfs(options: SysfsImportOptions): ImportResult {
  const devices = readSysfsDevices(options.root);
  if (devices.length === 0) {
    throw new ImportInputError(
      `${pciDevicesDir(options.root)} lists no PCI functions (no PCI bus, or sysfs not mounted)`,
    );
  }
  return scenarioFromSysfs({ kernelRelease: readKernelRelease(options.root), ...options.host }, devices);
}
