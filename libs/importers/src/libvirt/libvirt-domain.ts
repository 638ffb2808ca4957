import { Machine, MsixRelocation, Problem } from '@barplane/domain';

/** How a hostdev got a QEMU property: `<qemu:override>`, `-set device.<alias>.*` or `-global vfio-pci.*`. */
export type OverrideSource = 'override' | 'set' | 'global';

/** One PCI function a libvirt domain gives its guest through VFIO. */
export interface LibvirtHostdev {
  /** Canonical `dddd:bb:dd.f` of `<source><address .../>`. */
  readonly bdf: string;
  /**
   * `hostdev` for `<hostdev mode='subsystem' type='pci'>`, `interface` for `<interface type='hostdev'>` (an SR-IOV VF).
   */
  readonly element: 'hostdev' | 'interface';
  /** XPath of the element, e.g. `/domain/devices/hostdev[2]`, for problems. */
  readonly at: string;
  /**
   * The QEMU device id (QMP `id`): `<alias name>`; without one (an inactive definition) the
   * `hostdevN` libvirt gives it when the domain starts, and `aliasPredicted` is true.
   */
  readonly alias: string;
  readonly aliasPredicted: boolean;
  /** `managed='yes'`: libvirt binds the function to vfio-pci itself (libvirt's default is no). */
  readonly managed: boolean;
  readonly msixRelocation?: { readonly value: MsixRelocation; readonly source: OverrideSource };
  readonly noMmap?: { readonly value: boolean; readonly source: OverrideSource };
}

/** The facts barplane takes from a libvirt domain XML (what `virsh dumpxml` prints). */
export interface LibvirtDomain {
  /** `<name>`: the VM id (unique per host in libvirt, as a VM id is here). */
  readonly name: string;
  readonly uuid?: string;
  /** From `<os><type machine=...>`; undefined when the XML names none (the host platform's default applies). */
  readonly machine?: Machine;
  /** The machine string as libvirt wrote it (`pc-q35-8.2`). */
  readonly machineType?: string;
  readonly hostdevs: readonly LibvirtHostdev[];
}

export type LibvirtDomainRead =
  | { readonly ok: true; readonly domain: LibvirtDomain; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** The largest domain XML read: real ones are a few KiB, so anything near this is not one. */
export const MAX_LIBVIRT_XML_CHARS = 1 << 20;

export const LIBVIRT_QEMU_NAMESPACE = 'http://libvirt.org/schemas/domain/qemu/1.0';
