import { Reason, REASONS } from '@barplane/domain';

/** Who decides each reason code, and why the lab cannot reach some of them on this machine. */
export interface ReasonReach {
  readonly decidedBy: 'kernel' | 'QEMU' | 'KVM' | 'barplane';
  /** Why no real case here reaches it; undefined for the codes the lab must reach. */
  readonly unreachable?: string;
}

/** The codes each side decides: every code in one list, or REASON_REACH below does not compile. */
const DECIDED_BY = {
  kernel: [
    'VFIO_PCI_UNBINDABLE',
    'IO_BAR',
    'ROM_BAR',
    'ZERO_SIZE',
    'HOST_SUBPAGE_UNALIGNED',
    'HOST_PAGE_REMAINDER_BUSY',
    'NO_MSIX_MAPPABLE_SPARSE',
    'MSIX_PAGE_COVERS_BAR',
  ],
  QEMU: [
    'MMAP_DISABLED',
    'MSIX_RELOCATED',
    'GUEST_BAR_UNMAPPED',
    'GUEST_SUBPAGE_UNALIGNED',
    'EXPANDED_TO_PAGE',
    'MSIX_TABLE_TRAPPED',
    'GUEST_PAGE_SHARED',
  ],
  KVM: ['KVM_PAGE_TRIM', 'KVM_SLOTS_EXHAUSTED'],
  barplane: [],
} as const satisfies Record<ReasonReach['decidedBy'], readonly Reason[]>;
type Decided = (typeof DECIDED_BY)[keyof typeof DECIDED_BY][number];
const DECIDERS = Object.keys(DECIDED_BY) as ReasonReach['decidedBy'][];

/** Why no real case here reaches a code; the lab must reach every code not named. */
const UNREACHABLE: Partial<Record<Reason, string>> = {
  NO_MSIX_MAPPABLE_SPARSE:
    'only kernels 4.6-4.15 cut the MSI-X table out of the mmap; ' +
    "Debian's archive reachable here (bookworm, bookworm-backports) has 6.1 and 6.12 only",
  MSIX_PAGE_COVERS_BAR: 'as NO_MSIX_MAPPABLE_SPARSE: needs a kernel before 4.16',
  KVM_SLOTS_EXHAUSTED:
    "needs a real KVM running out of memslots; the lab runs every VM under TCG (this machine's /dev/kvm stops " +
    'a guest with "KVM internal error", and the guests have no nested KVM), ' +
    'and under TCG QEMU makes no KVM slots at all',
};

export const REASON_REACH = Object.fromEntries(
  (REASONS satisfies readonly Decided[]).map((code) => {
    const decidedBy = DECIDERS.find((who) => (DECIDED_BY[who] as readonly Reason[]).includes(code))!;
    const unreachable = UNREACHABLE[code];
    return [code, unreachable === undefined ? { decidedBy } : { decidedBy, unreachable }];
  }),
) as Record<Reason, ReasonReach>;

/** Which reason codes the agreeing rows reached, with one example each. */
export function reasonCoverage(
  reached: readonly { reasons: readonly Reason[]; example: string }[],
): Map<Reason, { count: number; example: string }> {
  const out = new Map<Reason, { count: number; example: string }>();
  for (const row of reached) {
    for (const r of row.reasons) {
      const seen = out.get(r);
      out.set(r, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? row.example });
    }
  }
  return new Map(REASONS.filter((r) => out.has(r)).map((r) => [r, out.get(r)!]));
}
