import { VfioRegion, VfioRegionFlag } from '../vfio/vfio-region';

/** The flags of a BAR region vfio-pci lets userspace read and write but not mmap. */
export const RW: VfioRegionFlag[] = ['READ', 'WRITE'];
/** The flags of a BAR region vfio-pci lets userspace mmap. */
export const RWM: VfioRegionFlag[] = ['READ', 'WRITE', 'MMAP'];

/**
 * A region as VFIO_DEVICE_GET_REGION_INFO reports it, for specs: at `index << 40` (written out here, not
 * taken from the code under test), no capabilities unless `over` names them.
 */
export function region(
  index: number,
  size: bigint,
  flags: VfioRegionFlag[],
  over: Partial<VfioRegion> = {},
): VfioRegion {
  return { index, offset: BigInt(index) << 40n, size, flags, caps: [], ...over };
}
