import { HostProjection, VfioRegion, hostToJson, peToJson, regionToJson, vmToJson } from '@barplane/domain';
import { HostDto } from '../scenario/host.dto';
import { hostFromDto } from '../scenario/scenario-from-dto';
import { peFromJson, regionFromJson, vmFromJson } from './event-codec';

type Json = Record<string, unknown>;

/** A host's projection as stored by the projector (JSON, 64-bit values as "0x..."). */
export function projectionToJson(p: HostProjection): Json {
  return {
    hostId: p.hostId,
    registry: {
      host: p.registry.host ? hostToJson(p.registry.host) : null,
      pes: p.registry.pes.map(peToJson),
      holds: p.registry.holds.map((h) => ({ peId: h.peId, vmId: h.vmId })),
    },
    vfio: { bound: [...p.vfio.bound].map(([bdf, regions]) => [bdf, regions.map(regionToJson)]) },
    guest: {
      vms: [...p.guest.vms.values()].map(vmToJson),
      holders: [...p.guest.holders].map(([bdf, holder]) => [bdf, { ...holder }]),
    },
  };
}

export function projectionFromJson(j: Json): HostProjection {
  const registry = j.registry as Json;
  const vfio = j.vfio as { bound: [string, Json[]][] };
  const guest = j.guest as { vms: Json[]; holders: [string, { vmId: string; peId: string }][] };
  return {
    hostId: String(j.hostId),
    registry: {
      host: registry.host ? hostFromDto(registry.host as HostDto) : null,
      pes: (registry.pes as Json[]).map(peFromJson),
      // Projections stored before pe-registry kept holds have none.
      holds: ((registry.holds as { peId: string; vmId: string }[] | undefined) ?? []).map((h) => ({
        peId: String(h.peId),
        vmId: String(h.vmId),
      })),
    },
    vfio: {
      bound: new Map<string, readonly VfioRegion[]>(
        vfio.bound.map(([bdf, regions]) => [bdf, regions.map(regionFromJson)]),
      ),
    },
    guest: {
      vms: new Map(
        guest.vms.map((v) => {
          const vm = vmFromJson(v);
          return [vm.id, vm];
        }),
      ),
      holders: new Map(guest.holders),
    },
  };
}
