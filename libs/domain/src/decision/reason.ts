/** The closed set of reason codes of rule set 2 (domain.md). */
export const REASONS = [
  'VFIO_PCI_UNBINDABLE',
  'IO_BAR',
  'ROM_BAR',
  'ZERO_SIZE',
  'MMAP_DISABLED',
  'HOST_SUBPAGE_UNALIGNED',
  'HOST_PAGE_REMAINDER_BUSY',
  'MSIX_RELOCATED',
  'NO_MSIX_MAPPABLE_SPARSE',
  'MSIX_PAGE_COVERS_BAR',
  'GUEST_BAR_UNMAPPED',
  'GUEST_SUBPAGE_UNALIGNED',
  'EXPANDED_TO_PAGE',
  'MSIX_TABLE_TRAPPED',
  'GUEST_PAGE_SHARED',
  'KVM_PAGE_TRIM',
  'KVM_SLOTS_EXHAUSTED',
] as const;
export type Reason = (typeof REASONS)[number];

/**
 * Host-side reasons: the host BAR placement keeps it off the fast path. VFIO_PCI_UNBINDABLE is
 * not one: no alignment helps a kernel that cannot bind vfio-pci at all.
 */
export function isHostReason(reason: Reason): boolean {
  return reason === 'HOST_SUBPAGE_UNALIGNED' || reason === 'HOST_PAGE_REMAINDER_BUSY';
}
