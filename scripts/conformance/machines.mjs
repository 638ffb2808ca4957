// QEMU command lines of the lab's machines, and how a case's devices are plugged into them.
import { accessSync, constants } from 'node:fs';

/** 1G, one CPU, no display and no default devices, the console on stdio: the q35 and virt guests. */
const HEADLESS_1G = ['-m', '1G', '-smp', '1', '-display', 'none', '-nodefaults', '-serial', 'stdio'];

/**
 * powernv9: skiboot firmware, six PHB4s each with one root port (pcie.0..pcie.5), a 64K or 4K
 * page kernel; one PE per bus, one IOMMU group per PE. Do not pass -nodefaults: it removes the PHBs.
 * q35: SeaBIOS programs the BARs, Linux keeps them; intel-iommu gives IOMMU groups.
 * virt: no firmware with -kernel, so Linux assigns every BAR itself; smmuv3 gives IOMMU groups,
 * and GICv3 (with its ITS) the MSI isolation vfio_iommu_type1 insists on (EPERM without it).
 */
export const MACHINES = {
  powernv9: {
    qemu: 'qemu-system-ppc64',
    args: ['-M', 'powernv9', '-m', '3G', '-smp', '1', '-nographic', '-serial', 'mon:stdio'],
    console: 'hvc0',
    platform: 'powernv',
    rootPorts: ['pcie.0', 'pcie.1', 'pcie.2', 'pcie.3', 'pcie.4', 'pcie.5'],
    rootBus: undefined,
  },
  q35: {
    qemu: 'qemu-system-x86_64',
    args: ['-M', 'q35,kernel-irqchip=split', ...HEADLESS_1G, '-device', 'intel-iommu,intremap=on'],
    console: 'ttyS0',
    cmdline: ['intel_iommu=on'],
    platform: 'x86_64',
    rootPorts: undefined,
    rootBus: 'pcie.0',
  },
  virt: {
    qemu: 'qemu-system-aarch64',
    args: ['-M', 'virt,iommu=smmuv3,gic-version=3', '-cpu', 'max', ...HEADLESS_1G],
    console: 'ttyAMA0',
    platform: 'arm64',
    rootPorts: undefined,
    rootBus: 'pcie.0',
  },
};

/**
 * TCG everywhere by default: the result must not depend on the machine having KVM, and a
 * /dev/kvm inside a VM can be present yet fail (seen here: "KVM internal error" at boot).
 * BARPLANE_LAB_ACCEL=kvm uses KVM for the x86 guests where it works.
 */
function accelFor(machine) {
  if (machine !== 'q35' || process.env.BARPLANE_LAB_ACCEL !== 'kvm') return [];
  accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  return ['-accel', 'kvm'];
}

/**
 * Device arguments for a case's slots. A slot is a QEMU -device string (one endpoint on its
 * own root port), or { functions: [...] } (one multi-function device), { switch: [...] } (a
 * PCIe switch with one endpoint per downstream port), { pciBridge: [...] } (a PCIe-to-PCI
 * bridge with the endpoints on its bus), { rootBus: [...] } (endpoints on the root bus itself).
 */
export function deviceArgs(machineName, slots) {
  const machine = MACHINES[machineName];
  const args = [];
  const dev = (spec, bus, extra = '') => args.push('-device', `${spec},bus=${bus}${extra}`);
  let port = 0;
  let chassis = 1;
  const nextPort = () => {
    if (machine.rootPorts) {
      if (port >= machine.rootPorts.length)
        throw new Error(`${machineName} has only ${machine.rootPorts.length} root ports`);
      return machine.rootPorts[port++];
    }
    const id = `rp${port++}`;
    args.push('-device', `pcie-root-port,id=${id},bus=${machine.rootBus},chassis=${chassis++},slot=0`);
    return id;
  };
  slots.forEach((slot, n) => {
    if (typeof slot === 'string') return dev(slot, nextPort());
    if (slot.rootBus) {
      if (!machine.rootBus) throw new Error(`${machineName} has no root bus to plug devices into`);
      return slot.rootBus.forEach((d, i) => dev(d, machine.rootBus, `,addr=0x${(0x10 + n * 4 + i).toString(16)}`));
    }
    const bus = nextPort();
    if (slot.functions)
      return slot.functions.forEach((d, f) => dev(d, bus, `,addr=0.${f}${f === 0 ? ',multifunction=on' : ''}`));
    if (slot.switch) {
      args.push('-device', `x3130-upstream,id=up${n},bus=${bus}`);
      return slot.switch.forEach((d, i) => {
        args.push('-device', `xio3130-downstream,id=dn${n}_${i},bus=up${n},chassis=${chassis++},slot=${i}`);
        dev(d, `dn${n}_${i}`);
      });
    }
    if (slot.pciBridge) {
      args.push('-device', `pcie-pci-bridge,id=br${n},bus=${bus}`);
      return slot.pciBridge.forEach((d, i) => dev(d, `br${n}`, `,addr=0x${(i + 1).toString(16)}`));
    }
    throw new Error(`slot ${n} of ${machineName}: not a device, functions, switch, pciBridge or rootBus`);
  });
  return args;
}

/** The whole QEMU command of one boot. */
export function qemuCommand(machineName, { kernel, initrd, slots, cmdline = [], memory }) {
  const m = MACHINES[machineName];
  const args = memory ? m.args.map((a, i) => (m.args[i - 1] === '-m' ? memory : a)) : m.args;
  const append = [`console=${m.console}`, 'quiet', 'loglevel=1', 'panic=-1', ...(m.cmdline ?? []), ...cmdline].join(
    ' ',
  );
  return {
    command: m.qemu,
    args: [
      ...args,
      ...accelFor(machineName),
      '-no-reboot',
      '-kernel',
      kernel,
      '-initrd',
      initrd,
      '-append',
      append,
      ...deviceArgs(machineName, slots),
    ],
  };
}
