import { Vm } from '../pci/vm';

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
/** The PE's guest BARs go with it. */
export type PeReleased = { readonly type: 'PeReleased'; readonly data: { readonly vmId: string; readonly peId: string } };

export type GuestEvent = VmCreated | PeAssigned | GuestBarProgrammed | PeReleased;
