import { GuestEvent, HostRegistryEvent, Pe, VfioEvent, VfioRegion, Vm, parseU64, toHex } from '@barplane/domain';
import { functionFromDto, hostFromDto } from '../scenario/scenario-from-dto';
import { FunctionDto } from '../scenario/function.dto';
import { HostDto } from '../scenario/host.dto';
import { hostToJson, peToJson, regionToJson, vmToJson } from '@barplane/domain';

export type DomainEvent = HostRegistryEvent | VfioEvent | GuestEvent;
type Json = Record<string, unknown>;

const big = (v: unknown) => parseU64(String(v)) as bigint;

/** The wire form of a domain event's data: scenario.md shapes, 64-bit values as "0x...". */
export function encodeEventData(event: DomainEvent): Json {
  switch (event.type) {
    case 'HostRegistered':
    case 'HostFactsChanged':
      return { host: hostToJson(event.data.host) };
    case 'TopologyImported':
      return { ...event.data, pes: event.data.pes.map(peToJson) };
    case 'BarRelocated':
      return { ...event.data, address: toHex(event.data.address), previous: toHex(event.data.previous) };
    case 'FunctionBound':
      return { bdf: event.data.bdf, regions: event.data.regions.map(regionToJson) };
    case 'VmCreated':
      return { vm: vmToJson(event.data.vm) };
    case 'GuestBarProgrammed':
      return { ...event.data, address: toHex(event.data.address) };
    case 'GuestBarsProgrammed':
      return { ...event.data, bars: event.data.bars.map((g) => ({ ...g, address: toHex(g.address) })) };
    default:
      return { ...event.data };
  }
}

/** The domain event back from its wire form (written by encodeEventData, so trusted). */
export function decodeEvent(type: string, data: Json): DomainEvent {
  switch (type) {
    case 'HostRegistered':
    case 'HostFactsChanged':
      return { type, data: { host: hostFromDto(data.host as HostDto) } };
    case 'TopologyImported':
      return {
        type,
        data: {
          added: data.added as string[],
          removed: data.removed as string[],
          changed: data.changed as string[],
          pes: (data.pes as Json[]).map(peFromJson),
        },
      };
    case 'BarRelocated':
      return {
        type,
        data: {
          bdf: String(data.bdf),
          index: Number(data.index),
          address: big(data.address),
          previous: big(data.previous),
        },
      };
    case 'FunctionBound':
      return { type, data: { bdf: String(data.bdf), regions: (data.regions as Json[]).map(regionFromJson) } };
    case 'VmCreated':
      return { type, data: { vm: vmFromJson(data.vm as Json) } };
    case 'GuestBarProgrammed':
      return {
        type,
        data: { vmId: String(data.vmId), bdf: String(data.bdf), index: Number(data.index), address: big(data.address) },
      };
    case 'GuestBarsProgrammed': {
      const bars = (data.bars as Json[]).map((g) => ({
        bdf: String(g.bdf),
        index: Number(g.index),
        address: big(g.address),
      }));
      return { type, data: { vmId: String(data.vmId), functions: [...(data.functions as string[])], bars } };
    }
    case 'AlignmentOverrideSet':
    case 'FunctionRemoved':
    case 'FunctionUnbound':
    case 'PeAssigned':
    case 'PeReleased':
    case 'PeHeld':
    case 'PeFreed':
      return { type, data } as unknown as DomainEvent;
    default:
      throw new Error(`unknown event type "${type}"`);
  }
}

export function regionFromJson(j: Json): VfioRegion {
  const sub = j.subPageReservation as Json | undefined;
  return {
    index: Number(j.index),
    offset: big(j.offset),
    size: big(j.size),
    flags: j.flags as VfioRegion['flags'],
    caps: j.caps as VfioRegion['caps'],
    ...(j.sparseAreas
      ? { sparseAreas: (j.sparseAreas as Json[]).map((a) => ({ offset: big(a.offset), size: big(a.size) })) }
      : {}),
    ...(sub ? { subPageReservation: { start: big(sub.start), size: big(sub.size) } } : {}),
  };
}

export function peFromJson(j: Json): Pe {
  return {
    id: String(j.id),
    alignment: j.alignment as Pe['alignment'],
    functions: (j.functions as FunctionDto[]).map(functionFromDto),
  };
}

export function vmFromJson(j: Json): Vm {
  return {
    id: String(j.id),
    machine: j.machine as Vm['machine'],
    msixEmulation: Boolean(j.msixEmulation),
    noMmap: Boolean(j.noMmap),
    msixRelocation: j.msixRelocation as Vm['msixRelocation'],
    memslotsUsed: Number(j.memslotsUsed),
    assignedPes: [...(j.assignedPes as string[])],
    guestBars: (j.guestBars as Json[]).map((g) => ({
      bdf: String(g.bdf),
      index: Number(g.index),
      address: big(g.address),
    })),
  };
}
