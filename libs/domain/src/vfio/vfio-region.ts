/** VFIO_PCI_OFFSET_SHIFT: region `index` lives at `index << 40` in the device fd (R1.2). */
export const VFIO_PCI_OFFSET_SHIFT = 40n;

export const VFIO_REGION_FLAGS = ['READ', 'WRITE', 'MMAP'] as const;
export type VfioRegionFlag = (typeof VFIO_REGION_FLAGS)[number];

export const VFIO_REGION_CAPS = ['MSIX_MAPPABLE', 'SPARSE_MMAP'] as const;
export type VfioRegionCap = (typeof VFIO_REGION_CAPS)[number];

/** One mmap-able area of a SPARSE_MMAP region, offset from the region start. */
export interface VfioSparseArea {
  readonly offset: bigint;
  readonly size: bigint;
}

/** The host range vfio-pci claims past a sub-page BAR: [H+S, floor(H,P)+P) (R1.1). */
export interface VfioSubPageReservation {
  readonly start: bigint;
  readonly size: bigint;
}

/** What VFIO_DEVICE_GET_REGION_INFO says of every region, in the reader's flag and capability types. */
export interface RegionInfo<Flag, Cap> {
  readonly index: number;
  readonly offset: bigint;
  readonly size: bigint;
  readonly flags: readonly Flag[];
  readonly caps: readonly Cap[];
}

/** What VFIO_DEVICE_GET_REGION_INFO reports for one BAR or ROM region (R1.2-R1.5). */
export interface VfioRegion extends RegionInfo<VfioRegionFlag, VfioRegionCap> {
  readonly sparseAreas?: readonly VfioSparseArea[];
  readonly subPageReservation?: VfioSubPageReservation;
}

export function regionOffset(index: number): bigint {
  return BigInt(index) << VFIO_PCI_OFFSET_SHIFT;
}
