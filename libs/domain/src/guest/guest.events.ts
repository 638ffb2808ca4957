import { GuestBar, Vm } from '../pci/vm';

/** Events of the guest-memory aggregate (stream `guests-<hostId>`), control-plane.md. */
export type VmCreated = { readonly type: 'VmCreated'; readonly data: { readonly vm: Vm } };
/** `functions`: the PE's member BDFs at assignment, in code-point order. */
export type PeAssigned = {
  readonly type: 'PeAssigned';
  readonly data: { readonly vmId: string; readonly peId: string; readonly functions: readonly string[] };
};
export type GuestBarProgrammed = {
  readonly type: 'GuestBarProgrammed';
  readonly data: { readonly vmId: string; readonly bdf: string; readonly index: number; readonly address: bigint };
};
/**
 * For each function of `functions` (code-point order), the VM's guest BARs are now exactly
 * those of `bars` with its BDF (ordered by BDF, then index); a BAR of it not in `bars` is unmapped.
 * Only the functions whose set changed are named.
 */
export type GuestBarsProgrammed = {
  readonly type: 'GuestBarsProgrammed';
  readonly data: { readonly vmId: string; readonly functions: readonly string[]; readonly bars: readonly GuestBar[] };
};
/** The PE's guest BARs go with it. */
export type PeReleased = {
  readonly type: 'PeReleased';
  readonly data: { readonly vmId: string; readonly peId: string };
};

export type GuestEvent = VmCreated | PeAssigned | GuestBarProgrammed | GuestBarsProgrammed | PeReleased;
