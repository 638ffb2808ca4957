/**
 * Emulated devices whose memory BARs mirror functions of the demo fleet (demo/), by BAR index and
 * size (what the guest-memory model checks a guest address against); device types differ, since
 * there is no real device to give the guest here.
 */
export interface MirrorVm {
  readonly machineArgs: readonly string[];
  readonly deviceArgs: readonly string[];
  /** qdev id -> the demo function it mirrors. */
  readonly map: Readonly<Record<string, string>>;
}

/** A `machine` guest of `memoryMb` MiB with `devices` (an option and its value each), mirroring `map`. */
function mirrorVm(machine: string, memoryMb: number, map: MirrorVm['map'], devices: [string, string][]): MirrorVm {
  return { machineArgs: ['-M', machine, '-m', String(memoryMb)], deviceArgs: devices.flat(), map };
}

/**
 * demo/x86-kvm.json (dl360-07) on q35: the Optane NVMe 0000:04:00.0 (BAR0 mem64 16K) is QEMU's
 * nvme as it is; the 82599 0000:03:00.0 gets an nvme whose doorbells make BAR0 512K (its BAR0;
 * its BAR4 stays unmapped). An e1000e behind a root port has no host function: left out.
 */
export const Q35_DL360 = mirrorVm('q35', 128, { optane: '0000:04:00.0', nic82599: '0000:03:00.0' }, [
  ['-device', 'nvme,id=optane,serial=optane'],
  ['-device', 'nvme,id=nic82599,serial=nic82599,max_ioqpairs=40000'],
  ['-device', 'pcie-root-port,id=rp1,chassis=1'],
  ['-device', 'e1000e,id=e1,bus=rp1,romfile='],
]);

/**
 * demo/power9-powernv.json (p9-zz) on pseries: the NVMe 0001:03:00.0 (BAR0 mem64 16K, BAR2
 * mem64 prefetchable 1M) is QEMU's nvme with a 1 MiB controller memory buffer (BAR2). An
 * ivshmem-plain (BAR0 256 bytes, BAR2 1M) has no host function: left out.
 */
export const PSERIES_P9 = mirrorVm('pseries', 1024, { ssd: '0001:03:00.0' }, [
  ['-device', 'nvme,id=ssd,serial=ssd,cmb_size_mb=1'],
  ['-object', 'memory-backend-ram,id=shm-ram,size=1M'],
  ['-device', 'ivshmem-plain,id=shm,memdev=shm-ram'],
]);

export const mapFlags = (vm: MirrorVm): string[] =>
  Object.entries(vm.map).flatMap(([id, bdf]) => ['--map', `${id}=${bdf}`]);
