import { Host } from '../pci/host';
import { AlignmentOverride, Pe } from '../pci/pe';

/** Events of the pe-registry aggregate (stream `host-<hostId>`), control-plane.md. */
export type HostRegistered = { readonly type: 'HostRegistered'; readonly data: { readonly host: Host } };
export type HostFactsChanged = { readonly type: 'HostFactsChanged'; readonly data: { readonly host: Host } };
/** The whole topology replaces the previous one; the BDF lists are against the previous one. */
export type TopologyImported = {
  readonly type: 'TopologyImported';
  readonly data: {
    readonly pes: readonly Pe[];
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: readonly string[];
  };
};
export type AlignmentOverrideSet = {
  readonly type: 'AlignmentOverrideSet';
  readonly data: { readonly peId: string; readonly alignment: AlignmentOverride };
};
export type BarRelocated = {
  readonly type: 'BarRelocated';
  readonly data: { readonly bdf: string; readonly index: number; readonly address: bigint; readonly previous: bigint };
};
export type FunctionRemoved = {
  readonly type: 'FunctionRemoved';
  readonly data: { readonly bdf: string; readonly peId: string };
};

/** pe-registry learnt from guest.events (PeAssigned) that VM `vmId` holds PE `peId`. */
export type PeHeld = { readonly type: 'PeHeld'; readonly data: { readonly vmId: string; readonly peId: string } };
/** pe-registry learnt from guest.events (PeReleased) that VM `vmId` no longer holds PE `peId`. */
export type PeFreed = { readonly type: 'PeFreed'; readonly data: { readonly vmId: string; readonly peId: string } };

export type HostRegistryEvent =
  | HostRegistered
  | HostFactsChanged
  | TopologyImported
  | AlignmentOverrideSet
  | BarRelocated
  | FunctionRemoved
  | PeHeld
  | PeFreed;

/**
 * The pe-registry events that are host facts. PeHeld and PeFreed (which VM holds which PE, as
 * pe-registry learnt it from guest.events) are not: the owners that need them read guest.events.
 */
export const HOST_FACT_EVENT_TYPES: readonly HostRegistryEvent['type'][] = [
  'HostRegistered',
  'HostFactsChanged',
  'TopologyImported',
  'AlignmentOverrideSet',
  'BarRelocated',
  'FunctionRemoved',
];

/** Every pe-registry event type. */
export const HOST_REGISTRY_EVENT_TYPES: readonly HostRegistryEvent['type'][] = [
  ...HOST_FACT_EVENT_TYPES,
  'PeHeld',
  'PeFreed',
];
