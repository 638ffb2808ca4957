import { log2 } from '../pci/page-math';

/** Where a fragment goes: the libvirt domain XML, QEMU's command line, or a kernel command line. */
export type ApplyTarget = 'libvirt-xml' | 'qemu-cmdline' | 'host-kernel-cmdline' | 'guest-kernel-cmdline';

/** Text to paste, in the words of the tool that reads it, and what to know before pasting it. */
export interface ApplyFragment {
  readonly target: ApplyTarget;
  readonly text: string;
  readonly note: string;
}

const QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0';

/**
 * A user alias for the function's `<hostdev>`: libvirt's docs recommend one for a device whose
 * properties are overridden, and user aliases start with `ua-` (only letters, digits, `_` and
 * `-` after it), so the BDF's `:` and `.` become `-`.
 */
export function libvirtAlias(bdf: string): string {
  return `ua-vfio-${bdf.replace(/[:.]/g, '-')}`;
}

/** `<address .../>` of a PCI `<hostdev>` source, from a canonical `dddd:bb:dd.f`. */
function libvirtAddress(bdf: string): string {
  // Cut at the separators rather than split: this runs for every advice that names a device.
  const busAt = bdf.indexOf(':') + 1;
  const slotAt = bdf.indexOf(':', busAt) + 1;
  const fnAt = bdf.indexOf('.', slotAt) + 1;
  const domain = bdf.slice(0, busAt - 1);
  const bus = bdf.slice(busAt, slotAt - 1);
  const slot = bdf.slice(slotAt, fnAt - 1);
  return `<address domain='0x${domain}' bus='0x${bus}' slot='0x${slot}' function='0x${bdf.slice(fnAt)}'/>`;
}

/** One vfio-pci property set on one function, as QEMU's `-device` option and as a libvirt override. */
function deviceProperty(
  bdf: string,
  name: string,
  qemuValue: string,
  libvirtType: 'string' | 'bool',
  libvirtValue: string,
  why: string,
): ApplyFragment[] {
  const alias = libvirtAlias(bdf);
  const xml = [
    `<domain type='kvm' xmlns:qemu='${QEMU_NS}'>`,
    `  <devices>`,
    `    <hostdev mode='subsystem' type='pci' managed='yes'>`,
    `      <source>`,
    `        ${libvirtAddress(bdf)}`,
    `      </source>`,
    `      <alias name='${alias}'/>`,
    `    </hostdev>`,
    `  </devices>`,
    `  <qemu:override>`,
    `    <qemu:device alias='${alias}'>`,
    `      <qemu:frontend>`,
    `        <qemu:property name='${name}' type='${libvirtType}' value='${libvirtValue}'/>`,
    `      </qemu:frontend>`,
    `    </qemu:device>`,
    `  </qemu:override>`,
    `</domain>`,
  ].join('\n');
  return [
    {
      target: 'libvirt-xml',
      text: xml,
      note:
        `Merge into the VM's domain XML (virsh edit): the xmlns:qemu attribute on <domain>, the alias in the <hostdev> of ${bdf} ` +
        `(or use the user alias it already has, in both places), and <qemu:override> as a child of <domain>. ` +
        `Needs libvirt 8.2.0 or later, which marks a domain with overridden device properties as tainted. ${why}`,
    },
    {
      target: 'qemu-cmdline',
      text: `-device vfio-pci,host=${bdf},${name}=${qemuValue}`,
      note: `The function's vfio-pci device with ${name} added: keep the other properties it has (id, bus, addr). ${why}`,
    },
  ];
}

/** HOST_ALIGNMENT: the PE's kernel parameter, exactly as decision 2 computed it. */
export function hostAlignmentFragments(kernelParameter: string): ApplyFragment[] {
  return [
    {
      target: 'host-kernel-cmdline',
      text: kernelParameter,
      note: "Add to the host kernel's command line (for example GRUB_CMDLINE_LINUX) and reboot: every function of the PE then gets page-sized, page-aligned BARs that vfio-pci can mmap.",
    },
  ];
}

/** MSIX_RELOCATION: QEMU's `x-msix-relocation` (OffAutoPCIBAR: off, auto, bar0..bar5) on the function. */
export function msixRelocationFragments(bdf: string, target: number): ApplyFragment[] {
  return deviceProperty(
    bdf,
    'x-msix-relocation',
    `bar${target}`,
    'string',
    `bar${target}`,
    `QEMU then emulates the MSI-X table in BAR ${target} instead of over this BAR.`,
  );
}

/** SLOT_BUDGET: QEMU's `x-no-mmap` on the function, so that QEMU does not abort out of KVM slots. */
export function slotBudgetFragments(bdf: string): ApplyFragment[] {
  return deviceProperty(
    bdf,
    'x-no-mmap',
    'on',
    'bool',
    'true',
    'Every BAR of the device then traps to QEMU (slow path) but the VM starts; the alternatives are fewer devices in the VM or a host kernel with more KVM slots (5.12 or later).',
  );
}

/**
 * GUEST_PLACEMENT: no firmware (SeaBIOS, OVMF, SLOF) or kernel setting puts one BAR at an exact
 * guest address, so the fragment is the guest Linux kernel's own resource alignment, by the
 * function's vendor:device ID (the guest's BDF is not the host's): with it the guest kernel
 * gives each such BAR whole host pages of its own. Without a known ID there is nothing exact
 * to write.
 */
export function guestPlacementFragments(
  vendorDevice: string | undefined,
  pageSize: bigint,
  address: bigint,
): ApplyFragment[] {
  if (!vendorDevice) return [];
  const page = `0x${pageSize.toString(16)}`;
  return [
    {
      target: 'guest-kernel-cmdline',
      text: `pci=resource_alignment=${log2(pageSize)}@pci:${vendorDevice}`,
      note:
        `For a Linux guest, which then reassigns the BARs of every function with ID ${vendorDevice} to whole ${page} pages of their own, ` +
        `at addresses it chooses (0x${address.toString(16)} is the lowest free one; no single setting places a BAR at an exact address). ` +
        `A guest whose firmware leaves no room in the bridge window may also need pci=realloc.`,
    },
  ];
}
