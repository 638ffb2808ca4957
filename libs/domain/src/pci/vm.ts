import { Platform } from './host';

export const MACHINES = ['pseries', 'q35', 'virt'] as const;
export type Machine = (typeof MACHINES)[number];

export const MSIX_RELOCATIONS = ['off', 'bar0', 'bar1', 'bar2', 'bar3', 'bar4', 'bar5'] as const;
export type MsixRelocation = (typeof MSIX_RELOCATIONS)[number];

/** A guest-physical address the guest programmed into one BAR. */
export interface GuestBar {
  readonly bdf: string;
  readonly index: number;
  readonly address: bigint;
}

/** What a VM's creator may leave out: each gets the one default for the host's platform. */
export interface VmSettings {
  readonly machine?: Machine;
  /** false on pseries: the guest programs MSI-X through RTAS (R4.6). */
  readonly msixEmulation?: boolean;
  /** QEMU x-no-mmap. */
  readonly noMmap?: boolean;
  readonly msixRelocation?: MsixRelocation;
  /** Slots taken by RAM and other non-BAR memory. */
  readonly memslotsUsed?: number;
}

/** What a VM holds: the PEs given to it and the BAR addresses its guest programmed. */
export interface VmHoldings {
  readonly assignedPes: readonly string[];
  readonly guestBars: readonly GuestBar[];
}

/** A VM: every setting filled in, and what it holds. */
export interface Vm extends Required<VmSettings>, VmHoldings {
  readonly id: string;
}

export function defaultMachine(platform: Platform): Machine {
  if (platform === 'x86_64') return 'q35';
  if (platform === 'arm64') return 'virt';
  return 'pseries';
}

export function defaultMsixEmulation(machine: Machine): boolean {
  return machine !== 'pseries';
}

/** A VM on a host of `platform`, its settings' gaps filled with the defaults. */
export function vmWithDefaults(id: string, settings: VmSettings, platform: Platform, held: VmHoldings): Vm {
  const machine = settings.machine ?? defaultMachine(platform);
  return {
    id,
    machine,
    msixEmulation: settings.msixEmulation ?? defaultMsixEmulation(machine),
    noMmap: settings.noMmap ?? false,
    msixRelocation: settings.msixRelocation ?? 'off',
    memslotsUsed: settings.memslotsUsed ?? 0,
    assignedPes: held.assignedPes,
    guestBars: held.guestBars,
  };
}

/** BAR index named by `barN`, or undefined for `off`. */
export function relocationTarget(relocation: MsixRelocation): number | undefined {
  return relocation === 'off' ? undefined : Number(relocation.slice(3));
}
