import { Machine } from '@barplane/domain';

/**
 * The domain's machine for a libvirt machine type: `q35` and `pc-q35-<ver>` are q35,
 * `pseries` and `pseries-<ver>` pseries, `virt` and `virt-<ver>` virt (libvirt writes the
 * versioned name QEMU expanded the alias to). Anything else (`pc`, `pc-i440fx-*`, `isapc`,
 * `microvm`, `powernv9`) is a machine the decision rules do not model: undefined.
 */
export function machineOfLibvirtType(type: string): Machine | undefined {
  const t = type.trim().toLowerCase();
  const family = (alias: string, versioned: string) =>
    t === alias || (t.startsWith(versioned) && t.length > versioned.length);
  if (family('q35', 'pc-q35-')) return 'q35';
  if (family('pseries', 'pseries-')) return 'pseries';
  if (family('virt', 'virt-')) return 'virt';
  return undefined;
}
