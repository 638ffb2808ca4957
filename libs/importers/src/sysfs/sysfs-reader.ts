import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ImportInputError } from '../imported';
import { SysfsDeviceFiles } from './sysfs-function';

/** `/sys/bus/pci/devices` below a root (`/` for the running machine). */
export function pciDevicesDir(root: string): string {
  return join(root, 'sys', 'bus', 'pci', 'devices');
}

const text = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const link = (file: string): string | undefined => {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
};

const isLink = (file: string): boolean => {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Reads the files the importer needs from every function directory (the only fs part of the sysfs importer). */
export function readSysfsDevices(root: string): SysfsDeviceFiles[] {
  const dir = pciDevicesDir(root);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new ImportInputError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  return names.sort().map((name) => {
    const at = (f: string) => join(dir, name, f);
    let config: Uint8Array | undefined;
    let configError: string | undefined;
    try {
      config = new Uint8Array(readFileSync(at('config')));
    } catch (error) {
      configError = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    return {
      name,
      resource: text(at('resource')),
      vendor: text(at('vendor')),
      device: text(at('device')),
      class: text(at('class')),
      config,
      configError,
      iommuGroupLink: link(at('iommu_group')),
      hasPhysfn: isLink(at('physfn')),
    };
  });
}

/** `uname -r` of the kernel whose sysfs this is (`<root>/proc/sys/kernel/osrelease`), when readable. */
export function readKernelRelease(root: string): string | undefined {
  return text(join(root, 'proc', 'sys', 'kernel', 'osrelease'))?.trim() || undefined;
}
