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

export type HostRegistryCommand = RegisterHost | ImportTopology | SetAlignmentOverride | RelocateBar | RemoveFunction;
