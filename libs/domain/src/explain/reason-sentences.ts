import type { Advice } from '../decision/advice';
import type { MappingMode } from '../decision/mapping-mode';
import type { Reason } from '../decision/reason';

// Plain-word explanations of decisions (docs/domain.md, docs/reference/linux-qemu-kvm-rules.md):
// one sentence per reason code saying what happened and why, one per mapping mode, and the
// advice as an action. Pure (no I/O, wire-form input, no Node API): `barplane explain` and the web
// dashboard (bundled for the browser) both say exactly these words.

/** What a sentence may mention about the host. Both optional. */
export interface SentenceContext {
  /** Host page size, "0x10000". */
  readonly pageSize?: string;
  /** false when the host kernel cannot mmap sub-page BARs at all (before 4.7). */
  readonly subPageMmap?: boolean;
}

/** "0x10000" -> "a 64K page"; unknown -> "a host page". */
export function pagePhrase(pageSize?: string): string {
  if (!pageSize || !/^0x[0-9a-f]+$/i.test(pageSize)) return 'a host page';
  const n = BigInt(pageSize);
  if (n >= 1024n && n % 1024n === 0n) return `a ${n / 1024n}K page`;
  return `a ${n}-byte page`;
}

const SENTENCES: { readonly [R in Reason]: (ctx: SentenceContext) => string } = {
  VFIO_PCI_UNBINDABLE: () =>
    'The host kernel cannot bind vfio-pci: POWER kernels 5.19 to 6.3 make VFIO ask the IOMMU driver for DMA cache coherence, which POWER only reports since 6.4, so every vfio-pci probe fails with -EINVAL (-22); QEMU gets no device and the guest cannot reach this BAR at all.',
  IO_BAR: () =>
    'This is an I/O port BAR: port I/O cannot be mapped into guest memory, so every guest access traps to QEMU, which forwards it to vfio-pci.',
  ROM_BAR: () =>
    'This is the expansion ROM: QEMU reads it through vfio-pci and serves it to the guest (firmware reads it at boot); it never gets a KVM memory slot.',
  ZERO_SIZE: () => 'The BAR has size 0: the device does not implement it, so there is nothing to map.',
  MMAP_DISABLED: () =>
    'The VM runs its devices with x-no-mmap=on, so QEMU mmaps no BAR and every guest access traps to QEMU.',
  HOST_SUBPAGE_UNALIGNED: (ctx) =>
    ctx.subPageMmap === false
      ? `The host BAR is smaller than ${pagePhrase(ctx.pageSize)} and the host kernel (before 4.7) cannot mmap sub-page BARs, so vfio-pci will not let QEMU mmap it; every guest access traps to QEMU.`
      : `The host BAR is smaller than ${pagePhrase(ctx.pageSize)} and does not start on a page boundary, so vfio-pci will not let QEMU mmap it; every guest access traps to QEMU.`,
  HOST_PAGE_REMAINDER_BUSY: (ctx) =>
    `The host BAR is smaller than ${pagePhrase(ctx.pageSize)} and starts on a page boundary, but another MMIO resource uses the rest of that page; vfio-pci needs the remainder free (sharing a PE does not help), so it will not let QEMU mmap the BAR and every guest access traps to QEMU.`,
  MSIX_RELOCATED: () =>
    "The VM relocates the MSI-X table to another BAR (x-msix-relocation), so QEMU's emulated table no longer traps accesses to this BAR.",
  NO_MSIX_MAPPABLE_SPARSE: () =>
    'The host kernel is older than 4.16 (no MSIX_MAPPABLE capability), so vfio-pci cuts the host pages holding the MSI-X table out of the mmap areas; accesses to those pages trap to QEMU whatever QEMU does.',
  MSIX_PAGE_COVERS_BAR: () =>
    'The host pages holding the MSI-X table cover the whole BAR and the kernel (before 4.16) will not mmap them, so nothing is left to map; every guest access traps to QEMU.',
  GUEST_BAR_UNMAPPED: () =>
    'The guest side is not known yet: the PE is not given to a VM, or guest firmware has not programmed this BAR; the host side allows the fast path once it is.',
  GUEST_SUBPAGE_UNALIGNED: (ctx) =>
    `The BAR is smaller than ${pagePhrase(ctx.pageSize)} and the guest placed it off a host page boundary (or its mmap is already cut), so QEMU cannot grow the mapping to a whole page and KVM cannot map it; every guest access traps to QEMU.`,
  EXPANDED_TO_PAGE: (ctx) =>
    `The BAR is smaller than ${pagePhrase(ctx.pageSize)} but starts on a page boundary on the host and in the guest, so QEMU maps the whole host page (vfio-pci reserved the rest of it) and the guest reaches the BAR through one KVM slot.`,
  MSIX_TABLE_TRAPPED: () =>
    "QEMU emulates the MSI-X table (q35 and virt machines do, pseries does not), so accesses to the table's pages trap to QEMU even where the rest of the BAR is mapped.",
  GUEST_PAGE_SHARED: () =>
    "Another BAR of the VM lies in the same guest page and QEMU maps it over this BAR's expanded page, so the shared part traps to QEMU.",
  KVM_PAGE_TRIM: () =>
    'KVM memory slots must start and end on host page boundaries, so QEMU trimmed the mapped pieces inward to whole pages; the trimmed bytes trap to QEMU.',
  KVM_SLOTS_EXHAUSTED: () =>
    'The VM has too few free KVM memory slots for the pieces of this BAR; QEMU would abort the VM when it runs out, so barplane plans the BAR as emulated (a blocking warning).',
};

/** The sentence for a reason code; an unknown code (a newer rule set) is named as such. */
export function reasonSentence(code: string, ctx: SentenceContext = {}): string {
  const f = (SENTENCES as Record<string, ((c: SentenceContext) => string) | undefined>)[code];
  return f ? f(ctx) : `Reason ${code} (not known to this version of barplane).`;
}

const MODE_SENTENCES: { readonly [M in MappingMode]: string } = {
  DIRECT: 'Fast path: the guest reaches the whole BAR through a KVM memory slot, without a VM exit.',
  DIRECT_PAGE_EXPANDED: 'Fast path: the sub-page BAR is mapped as one whole host page through a KVM memory slot.',
  PARTIAL_DIRECT:
    'Partly fast: some pages of the BAR are mapped through KVM memory slots; accesses to the rest trap to QEMU.',
  EMULATED:
    'Slow path: every guest access to this BAR traps to QEMU, which forwards it to the device through vfio-pci.',
  PENDING: 'Pending: the host side is decided; the guest side (the VM and the guest BAR address) is not known yet.',
  ABSENT: 'Absent: the BAR has size 0.',
  UNAVAILABLE:
    'Unavailable: the host kernel cannot bind vfio-pci, so the device cannot be given to a VM at all; there is neither a fast nor a slow path.',
};

export function modeSentence(mode: string): string {
  return (MODE_SENTENCES as Record<string, string | undefined>)[mode] ?? `Mode ${mode}.`;
}

/** A fragment to paste: libvirt XML, a QEMU option, or a host or guest kernel parameter. */
export interface ApplyFragmentJson {
  readonly target: 'libvirt-xml' | 'qemu-cmdline' | 'host-kernel-cmdline' | 'guest-kernel-cmdline';
  readonly text: string;
  readonly note: string;
}

/** An advice kind's fields in wire form: 64-bit values as "0x..." strings. */
type AdviceFieldsJson<A> = A extends unknown
  ? { readonly [K in Exclude<keyof A, 'apply'>]: A[K] extends bigint ? string : A[K] }
  : never;

/** Advice in wire form (docs/domain.md "Advice"; 64-bit values as "0x..." strings). */
export type AdviceJson = AdviceFieldsJson<Advice> & { readonly apply?: readonly ApplyFragmentJson[] };

/** Headings of the fragments in `barplane explain`. */
export const APPLY_TARGET_TITLES: Record<string, string> = {
  'libvirt-xml': 'libvirt domain XML',
  'qemu-cmdline': 'QEMU command line',
  'host-kernel-cmdline': 'host kernel command line',
  'guest-kernel-cmdline': 'guest kernel command line',
};

/** A short form for tables. */
export function adviceSummary(a: AdviceJson): string {
  switch (a.kind) {
    case 'HOST_ALIGNMENT':
      return `boot with ${a.kernelParameter}`;
    case 'GUEST_PLACEMENT':
      return `place the guest BAR at ${a.address}`;
    case 'MSIX_RELOCATION':
      return `${a.option} (BAR ${a.target} becomes ${a.barSize})`;
    case 'SLOT_BUDGET':
      return `needs ${a.slotsNeeded} slots, ${a.slotsFree} free`;
    case 'HOST_KERNEL':
      return `boot kernel ${a.minimumVersion} or later (or one with ${a.commit})`;
    default:
      return String((a as { kind?: unknown }).kind);
  }
}

/** The advice as something to do: which parameter, address, option, budget or kernel, and what it gains. */
export function adviceAction(a: AdviceJson): string {
  switch (a.kind) {
    case 'HOST_ALIGNMENT':
      return `Add the kernel parameter ${a.kernelParameter} to the host's kernel command line and reboot: every function of the PE then gets page-sized, page-aligned BARs that vfio-pci can mmap.`;
    case 'GUEST_PLACEMENT':
      return `Have the guest firmware place this BAR at guest address ${a.address}: it is on a host page boundary and its page holds no other BAR of the VM, so QEMU can map a whole page.`;
    case 'MSIX_RELOCATION':
      return `Start the device with the QEMU option ${a.option} (-device vfio-pci,...,${a.option}; the VM's msixRelocation in barplane): the emulated MSI-X table moves to BAR ${a.target}, which becomes ${a.barSize}, and this BAR no longer traps on the table.`;
    case 'SLOT_BUDGET':
      return `The BAR needs ${a.slotsNeeded} KVM memory slots and ${a.slotsFree} are free: give the VM fewer devices, boot a host kernel with more slots (5.12 or later: 32764 on x86, 32767 elsewhere), or start the device with x-no-mmap=on so QEMU does not abort.`;
    case 'HOST_KERNEL':
      return `Boot the host on kernel ${a.minimumVersion} or later, or on a distribution kernel with commit ${a.commit} (powerpc/iommu: Add iommu_ops to report capabilities and allow blocking domains) backported: vfio-pci then binds, and once the host's facts name the new kernel every BAR is decided again.`;
    default:
      return `Advice ${String((a as { kind?: unknown }).kind)} (not known to this version of barplane).`;
  }
}
