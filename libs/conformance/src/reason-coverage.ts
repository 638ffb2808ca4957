import { Reason, REASONS } from '@barplane/domain';

/** Who decides each reason code, and why the lab cannot reach some of them on this machine. */
export interface ReasonReach {
  readonly decidedBy: 'kernel' | 'QEMU' | 'KVM' | 'barplane';
  /** Why no real case here reaches it; undefined for the codes the lab must reach. */
  readonly unreachable?: string;
}

export const REASON_REACH: Record<Reason, ReasonReach> = {
  VFIO_PCI_UNBINDABLE: { decidedBy: 'kernel' },
  IO_BAR: { decidedBy: 'kernel' },
  ROM_BAR: { decidedBy: 'kernel' },
  ZERO_SIZE: { decidedBy: 'kernel' },
  HOST_SUBPAGE_UNALIGNED: { decidedBy: 'kernel' },
  HOST_PAGE_REMAINDER_BUSY: { decidedBy: 'kernel' },
  NO_MSIX_MAPPABLE_SPARSE: {
    decidedBy: 'kernel',
    unreachable: 'only kernels 4.6-4.15 cut the MSI-X table out of the mmap; Debian\'s archive reachable here (bookworm, bookworm-backports) has 6.1 and 6.12 only',
  },
  MSIX_PAGE_COVERS_BAR: {
    decidedBy: 'kernel',
    unreachable: 'as NO_MSIX_MAPPABLE_SPARSE: needs a kernel before 4.16',
  },
  MMAP_DISABLED: { decidedBy: 'QEMU' },
  MSIX_RELOCATED: { decidedBy: 'QEMU' },
  GUEST_BAR_UNMAPPED: { decidedBy: 'QEMU' },
  GUEST_SUBPAGE_UNALIGNED: { decidedBy: 'QEMU' },
  EXPANDED_TO_PAGE: { decidedBy: 'QEMU' },
  MSIX_TABLE_TRAPPED: { decidedBy: 'QEMU' },
  GUEST_PAGE_SHARED: { decidedBy: 'QEMU' },
  KVM_PAGE_TRIM: { decidedBy: 'KVM' },
  KVM_SLOTS_EXHAUSTED: {
    decidedBy: 'KVM',
    unreachable:
      'needs a real KVM running out of memslots; the lab runs every VM under TCG (this machine\'s /dev/kvm stops a guest with "KVM internal error", and the guests have no nested KVM), and under TCG QEMU makes no KVM slots at all',
  },
};

/** Which reason codes the agreeing rows reached, with one example each. */
export function reasonCoverage(reached: readonly { reasons: readonly Reason[]; example: string }[]): Map<Reason, { count: number; example: string }> {
  const out = new Map<Reason, { count: number; example: string }>();
  for (const row of reached) {
    for (const r of row.reasons) {
      const seen = out.get(r);
      out.set(r, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? row.example });
    }
  }
  return new Map(REASONS.filter((r) => out.has(r)).map((r) => [r, out.get(r)!]));
}
