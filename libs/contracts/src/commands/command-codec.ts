import { validateSync } from 'class-validator';
import { GuestCommand, HostRegistryCommand, PeHoldCommand, Problem, VfioCommand } from '@barplane/domain';
import { instantiate } from '../validation/instantiate';
import { shapeCheck } from '../validation/shape-check';
import { cacheValidationMetadata } from '../validation/metadata-cache';
import { u64 } from '../validation/is-u64.decorator';
import { validationProblems } from '../validation/validation-problems';
import { canonicalBdf, functionFromDto, hostFromDto } from '../scenario/scenario-from-dto';
import { AssignPeDto, CreateVmDto, ProgramGuestBarDto, ReleasePeDto } from './guest-commands.dto';
import { ProgramGuestBarsDto } from './guest-bar-set.dto';
import { ImportTopologyDto, RegisterHostDto, RemoveFunctionDto, SetAlignmentOverrideDto } from './host-commands.dto';
import { BarAddressDto } from '../scenario/bar-address.dto';
import { FunctionRefDto } from './vfio-commands.dto';

cacheValidationMetadata();

/** The commands that travel on the command topics. */
export type WireCommand = HostRegistryCommand | VfioCommand | GuestCommand;
/**
 * Every command an owner decides: the wire commands and those an owner derives from another
 * service's events (pe-registry's PeHoldCommand, from guest.events), which have no wire form: on
 * a command topic they are an unknown command type.
 */
export type DomainCommand = WireCommand | PeHoldCommand;
export type CommandType = WireCommand['type'];

/** The owner of each command type: the service that consumes its topic. */
export const COMMAND_TOPIC: Record<CommandType, 'pe.commands' | 'vfio.commands' | 'guest.commands'> = {
  RegisterHost: 'pe.commands',
  ImportTopology: 'pe.commands',
  SetAlignmentOverride: 'pe.commands',
  RelocateBar: 'pe.commands',
  RemoveFunction: 'pe.commands',
  BindFunction: 'vfio.commands',
  UnbindFunction: 'vfio.commands',
  CreateVm: 'guest.commands',
  AssignPe: 'guest.commands',
  ProgramGuestBar: 'guest.commands',
  ProgramGuestBars: 'guest.commands',
  ReleasePe: 'guest.commands',
};

type Dto = new () => object;
const DTO: Record<CommandType, Dto> = {
  RegisterHost: RegisterHostDto,
  ImportTopology: ImportTopologyDto,
  SetAlignmentOverride: SetAlignmentOverrideDto,
  RelocateBar: BarAddressDto,
  RemoveFunction: RemoveFunctionDto,
  BindFunction: FunctionRefDto,
  UnbindFunction: FunctionRefDto,
  CreateVm: CreateVmDto,
  AssignPe: AssignPeDto,
  ProgramGuestBar: ProgramGuestBarDto,
  ProgramGuestBars: ProgramGuestBarsDto,
  ReleasePe: ReleasePeDto,
};

export type CommandRead = { ok: true; command: DomainCommand } | { ok: false; problems: Problem[] };

/** Validates a command's wire data with its DTO and turns it into the domain command. */
export function commandFromWire(type: string, data: unknown, pathPrefix = 'data'): CommandRead {
  if (!(type in DTO)) return { ok: false, problems: [{ path: 'type', message: `unknown command type "${type}"` }] };
  const commandType = type as CommandType;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [{ path: pathPrefix, message: 'must be an object' }] };
  }
  const dto = instantiate(DTO[commandType], data);
  // A pass of the compiled check is class-validator's pass (shape-check.ts); a large topology
  // is then not walked object by object, here nor in the API that checked it first.
  if (!shapeCheck(DTO[commandType])?.(data)) {
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) return { ok: false, problems: validationProblems(errors, pathPrefix) };
  }
  return { ok: true, command: toDomain(commandType, dto as never) };
}

/** Only called on validated DTOs: every conversion here is total. */
function toDomain(type: CommandType, d: Record<string, never>): DomainCommand {
  switch (type) {
    case 'RegisterHost':
      return { type, data: { host: hostFromDto((d as unknown as RegisterHostDto).host) } };
    case 'ImportTopology':
      return {
        type,
        data: {
          pes: (d as unknown as ImportTopologyDto).pes.map((pe) => ({
            id: pe.id,
            alignment: pe.alignment ?? 'auto',
            functions: pe.functions.map(functionFromDto),
          })),
        },
      };
    case 'SetAlignmentOverride': {
      const x = d as unknown as SetAlignmentOverrideDto;
      return { type, data: { peId: x.peId, alignment: x.alignment } };
    }
    case 'RelocateBar': {
      const x = d as unknown as BarAddressDto;
      return { type, data: { bdf: canonicalBdf(x.bdf), index: x.index, address: u64(x.address) } };
    }
    case 'RemoveFunction':
    case 'BindFunction':
    case 'UnbindFunction':
      return { type, data: { bdf: canonicalBdf((d as unknown as FunctionRefDto).bdf) } } as DomainCommand;
    case 'CreateVm': {
      const x = d as unknown as CreateVmDto;
      return { type, data: { ...x } };
    }
    case 'AssignPe': {
      const x = d as unknown as AssignPeDto;
      return x.bdf !== undefined
        ? { type, data: { vmId: x.vmId, bdf: canonicalBdf(x.bdf), ...(x.peId !== undefined ? { peId: x.peId } : {}) } }
        : { type, data: { vmId: x.vmId, peId: x.peId! } };
    }
    case 'ProgramGuestBar': {
      const x = d as unknown as ProgramGuestBarDto;
      return { type, data: { vmId: x.vmId, bdf: canonicalBdf(x.bdf), index: x.index, address: u64(x.address) } };
    }
    case 'ProgramGuestBars': {
      const x = d as unknown as ProgramGuestBarsDto;
      const bars = x.bars.map((b) => ({
        bdf: canonicalBdf(b.bdf),
        index: b.index,
        address: b.address === null ? null : u64(b.address),
      }));
      return { type, data: { vmId: x.vmId, bars } };
    }
    case 'ReleasePe': {
      const x = d as unknown as ReleasePeDto;
      return { type, data: { vmId: x.vmId, peId: x.peId } };
    }
  }
}
