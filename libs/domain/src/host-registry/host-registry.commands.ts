import { Host } from '../pci/host';
import { AlignmentOverride, Pe } from '../pci/pe';

/** Commands of the pe-registry aggregate (stream `host-<hostId>`), control-plane.md. */
export type RegisterHost = { readonly type: 'RegisterHost'; readonly data: { readonly host: Host } };
export type ImportTopology = { readonly type: 'ImportTopology'; readonly data: { readonly pes: readonly Pe[] } };
export type SetAlignmentOverride = {
  readonly type: 'SetAlignmentOverride';
  readonly data: { readonly peId: string; readonly alignment: AlignmentOverride };
};
export type RelocateBar = {
  readonly type: 'RelocateBar';
  readonly data: { readonly bdf: string; readonly index: number; readonly address: bigint };
};
export type RemoveFunction = { readonly type: 'RemoveFunction'; readonly data: { readonly bdf: string } };

/** The commands pe-registry takes on pe.commands. */
export type HostRegistryCommand = RegisterHost | ImportTopology | SetAlignmentOverride | RelocateBar | RemoveFunction;

/**
 * What pe-registry derives from guest.events (its reaction, never sent on pe.commands): guest-memory
 * gave VM `vmId` the PE `peId` (PeAssigned), or took it back (PeReleased). pe-registry keeps
 * these holds so that it refuses to drop or re-partition a PE a VM holds.
 */
export type RecordPeHold = {
  readonly type: 'RecordPeHold';
  readonly data: { readonly vmId: string; readonly peId: string };
};
export type RecordPeRelease = {
  readonly type: 'RecordPeRelease';
  readonly data: { readonly vmId: string; readonly peId: string };
};
export type PeHoldCommand = RecordPeHold | RecordPeRelease;
