import { Machine, MsixRelocation } from '../pci/vm';

/** Commands of the guest-memory aggregate (stream `guests-<hostId>`), control-plane.md. */
export type CreateVm = {
  readonly type: 'CreateVm';
  readonly data: {
    readonly vmId: string;
    /** Default from the host platform: pseries on powernv/pseries, q35 on x86_64, virt on arm64. */
    readonly machine?: Machine;
    /** Default false on pseries, true otherwise (R4.6). */
    readonly msixEmulation?: boolean;
    readonly noMmap?: boolean;
    readonly msixRelocation?: MsixRelocation;
    readonly memslotsUsed?: number;
  };
};
/** Names the PE by its id, or by the BDF of any of its functions. */
export type AssignPe = {
  readonly type: 'AssignPe';
  readonly data:
    | { readonly vmId: string; readonly peId: string; readonly bdf?: string }
    | { readonly vmId: string; readonly peId?: string; readonly bdf: string };
};
export type ProgramGuestBar = {
  readonly type: 'ProgramGuestBar';
  readonly data: { readonly vmId: string; readonly bdf: string; readonly index: number; readonly address: bigint };
};
/** One entry of a guest BAR set: `address` null when the guest has not mapped the BAR (QMP's -1). */
export interface GuestBarSetting {
  readonly bdf: string;
  readonly index: number;
  readonly address: bigint | null;
}
/**
 * The guest BAR set of a VM in one command, all or nothing: for every function it names, the
 * VM's guest BARs become exactly its entries with an address (a BAR not listed, or listed with
 * null, is unmapped); functions it does not name keep theirs.
 */
export type ProgramGuestBars = {
  readonly type: 'ProgramGuestBars';
  readonly data: { readonly vmId: string; readonly bars: readonly GuestBarSetting[] };
};
export type ReleasePe = { readonly type: 'ReleasePe'; readonly data: { readonly vmId: string; readonly peId: string } };

export type GuestCommand = CreateVm | AssignPe | ProgramGuestBar | ProgramGuestBars | ReleasePe;
