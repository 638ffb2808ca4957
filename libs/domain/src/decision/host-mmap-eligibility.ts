import { Bar } from '../pci/bar';
import { KernelFeatures } from '../pci/host';
import { isAligned } from '../pci/page-math';
import { BarOutcome, SHARED_OUTCOME } from './bar-outcome';
import { PageRemainder } from './page-remainder-index';

/**
 * Steps 0-2 of decision 1: what the host kernel allows, whatever the VM does (R1.1, R1.2).
 * Returns the final outcome when the BAR can never be mmapped, or undefined when it is eligible.
 * `remainder` answers whether anything else is in the rest of a sub-page BAR's page.
 */
export function hostMmapEligibility(
  bar: Bar,
  pageSize: bigint,
  kernel: KernelFeatures,
  remainder: PageRemainder,
): BarOutcome | undefined {
  // A kernel that cannot bind vfio-pci gives QEMU no device at all, whatever the BAR is.
  if (!kernel.vfioPci) return SHARED_OUTCOME.unbindable;
  // Size first: vfio reports a region of size 0 (no flags) for a BAR the host left unassigned,
  // whatever its kind, and QEMU gives the guest no such BAR (conformance lab: e1000e's I/O BAR
  // on PowerNV, whose PHBs have no I/O window).
  if (bar.size === 0n) return SHARED_OUTCOME.absent;
  if (bar.kind === 'io') return SHARED_OUTCOME.io;
  if (bar.kind === 'rom') return SHARED_OUTCOME.rom;
  if (bar.size >= pageSize) return undefined;
  if (!kernel.subPageMmap || !isAligned(bar.address, pageSize)) return SHARED_OUTCOME.hostSubpage;
  // vfio-pci claims the rest of the page with a dummy resource: anything there, even a
  // sibling in the same PE, makes the BAR unmappable.
  // The start is page-aligned here, so the rest of its page is [H+S, H+P).
  return remainder.busy(bar) ? SHARED_OUTCOME.hostRemainder : undefined;
}
