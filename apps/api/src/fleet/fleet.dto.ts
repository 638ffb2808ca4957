import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ALIGNMENT_OVERRIDES,
  ALIGNMENT_POLICIES,
  MACHINES,
  MAPPING_MODES,
  MSIX_RELOCATIONS,
  PLATFORMS,
} from '@barplane/domain';
import { PlanAdviceDto, PlanAlignmentDto, PlanRangeDto, PlanVfioRegionDto } from '../plans/plan-response.dto';
import {
  CoverageWire,
  DecisionWire,
  FleetPeWire,
  FleetWire,
  HostWire,
  PeFunctionWire,
  PeWire,
  VmWire,
} from './fleet-wire';

// The fleet reads' answers for the OpenAPI document only (HostViews builds them; nothing
// validates them). Each class `implements` its wire type of fleet-wire.ts, which also types
// the dashboard, so a field added to one and not the other fails the type-check. Scenario
// parts reuse the request schemas of libs/contracts (http/openapi-schemas.ts).

const U64 = { type: String, pattern: '^0x[0-9a-f]+$', description: 'a 64-bit value, lowercase "0x..."' } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const COUNTS_BY_MODE = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'BARs per mapping mode (only modes that occur)',
} as const;

class CoverageBarsDto {
  @ApiProperty({ description: 'decided BARs of functions given to a VM' }) readonly total!: number;
  @ApiProperty({ description: 'of those, DIRECT, DIRECT_PAGE_EXPANDED or PARTIAL_DIRECT' }) readonly fastPath!: number;
  @ApiProperty(COUNTS_BY_MODE) readonly byMode!: Record<string, number>;
}

class CoverageBytesDto {
  @ApiProperty({ ...U64, description: 'bytes of the memory BARs (mem32, mem64; never I/O or ROM) given to a VM' })
  readonly total!: string;
  @ApiProperty({ ...U64, description: 'of those, the bytes guests reach without a VM exit' })
  readonly fastPath!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'bytes per mapping mode, "0x..."',
  })
  readonly byMode!: Record<string, string>;
}

class CoverageNotAssignedDto {
  @ApiProperty({ description: 'decided BARs of functions no VM holds' }) readonly bars!: number;
  @ApiProperty(U64) readonly bytes!: string;
  @ApiProperty(COUNTS_BY_MODE) readonly byMode!: Record<string, number>;
}

/** libs/domain fastPathCoverage: what VMs were given, and apart from it what no VM holds. */
export class CoverageDto implements CoverageWire {
  @ApiProperty({ type: CoverageBarsDto }) readonly bars!: CoverageBarsDto;
  @ApiProperty({ type: CoverageBytesDto }) readonly bytes!: CoverageBytesDto;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'bytes.fastPath / bytes.total; null when no memory BAR byte is given to a VM',
  })
  readonly byteShare!: number | null;
  @ApiProperty({ type: CoverageNotAssignedDto }) readonly notAssigned!: CoverageNotAssignedDto;
}

export class HostViewDto implements HostWire {
  @ApiProperty() readonly id!: string;
  @ApiProperty({ enum: PLATFORMS }) readonly platform!: HostWire['platform'];
  @ApiProperty(U64) readonly pageSize!: string;
  @ApiProperty({ allOf: [ref('KernelDto')] }) readonly kernel!: HostWire['kernel'];
  @ApiProperty() readonly kvmMemslots!: number;
  @ApiProperty({ type: 'array', items: ref('AddressRangeDto') }) readonly reservedRanges!: HostWire['reservedRanges'];
  @ApiProperty({ type: 'array', items: ref('PhbDto') }) readonly phbs!: HostWire['phbs'];
  @ApiProperty() readonly peCount!: number;
  @ApiProperty() readonly functionCount!: number;
  @ApiProperty({ type: [String], description: 'ids of the VMs on this host' }) readonly vms!: string[];
  @ApiProperty({ type: CoverageDto }) readonly coverage!: CoverageDto;
}

/** A stored BAR decision: the `bars` shape of a plan, plus when, by which rules, and its audit record. */
export class DecisionDto implements DecisionWire {
  @ApiProperty() readonly pe!: string;
  @ApiProperty() readonly bdf!: string;
  @ApiProperty({ minimum: 0, maximum: 6 }) readonly index!: number;
  @ApiProperty({ enum: MAPPING_MODES }) readonly mode!: DecisionWire['mode'];
  @ApiProperty({ type: [String], description: 'reason codes in the order the rules fired' })
  readonly reasons!: string[];
  @ApiProperty() readonly slots!: number;
  @ApiProperty({ type: [PlanRangeDto] }) readonly directRanges!: DecisionWire['directRanges'];
  @ApiProperty({ type: [PlanAdviceDto] }) readonly advice!: DecisionWire['advice'];
  @ApiProperty() readonly hostId!: string;
  @ApiProperty({ type: String, nullable: true }) readonly vmId!: string | null;
  @ApiProperty({ format: 'date-time' }) readonly decidedAt!: string;
  @ApiProperty() readonly ruleSet!: string;
  @ApiProperty({ description: 'hostId/seq of the audit record' }) readonly auditId!: string;
}

class PeVfioDto {
  @ApiProperty() readonly bound!: boolean;
  @ApiProperty({ type: [PlanVfioRegionDto] }) readonly regions!: PeFunctionWire['vfio']['regions'];
}

class PeFunctionDto implements PeFunctionWire {
  @ApiProperty() readonly bdf!: string;
  @ApiPropertyOptional({ example: '1af4:1041' }) readonly vendorDevice?: string;
  @ApiProperty() readonly isVf!: boolean;
  @ApiProperty({ type: 'array', items: ref('BarDto') }) readonly bars!: PeFunctionWire['bars'];
  @ApiPropertyOptional({ allOf: [ref('MsixDto')] }) readonly msix?: PeFunctionWire['msix'];
  @ApiProperty({ type: PeVfioDto }) readonly vfio!: PeVfioDto;
  @ApiProperty({ type: [DecisionDto] }) readonly decisions!: DecisionDto[];
}

export class PeViewDto implements PeWire {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly hostId!: string;
  @ApiProperty({ enum: ALIGNMENT_OVERRIDES }) readonly alignmentOverride!: PeWire['alignmentOverride'];
  @ApiProperty({ type: PlanAlignmentDto, nullable: true }) readonly alignment!: PeWire['alignment'];
  @ApiProperty({ type: String, nullable: true, description: 'the VM that holds the PE' }) readonly vmId!: string | null;
  @ApiProperty({
    type: CoverageDto,
    description: "the PE's own coverage: its BARs are assigned only while a VM holds it",
  })
  readonly coverage!: CoverageDto;
  @ApiProperty({ type: [PeFunctionDto] }) readonly functions!: PeFunctionDto[];
}

class VmMemslotsDto {
  @ApiProperty({ description: 'KVM slots the VM uses for other memory' }) readonly nonBar!: number;
  @ApiProperty({ description: 'KVM slots its BARs need' }) readonly bars!: number;
  @ApiProperty({ type: Number, nullable: true, description: "the host's limit" }) readonly limit!: number | null;
}

export class VmViewDto implements VmWire {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly hostId!: string;
  @ApiProperty({ enum: MACHINES }) readonly machine!: VmWire['machine'];
  @ApiProperty() readonly msixEmulation!: boolean;
  @ApiProperty() readonly noMmap!: boolean;
  @ApiProperty({ enum: MSIX_RELOCATIONS }) readonly msixRelocation!: VmWire['msixRelocation'];
  @ApiProperty() readonly memslotsUsed!: number;
  @ApiProperty({ type: [String] }) readonly assignedPes!: string[];
  @ApiProperty({ type: 'array', items: ref('BarAddressDto'), description: 'as programmed by guest firmware' })
  readonly guestBars!: VmWire['guestBars'];
  @ApiProperty({ type: VmMemslotsDto }) readonly memslots!: VmMemslotsDto;
  @ApiProperty({ type: CoverageDto }) readonly coverage!: CoverageDto;
  @ApiProperty({ type: [DecisionDto] }) readonly decisions!: DecisionDto[];
}

export class FleetPeDto implements FleetPeWire {
  @ApiProperty() readonly hostId!: string;
  @ApiProperty() readonly id!: string;
  @ApiProperty({ type: String, nullable: true }) readonly vmId!: string | null;
  @ApiProperty({ type: String, enum: ALIGNMENT_POLICIES, nullable: true, description: 'the decided alignment policy' })
  readonly alignmentPolicy!: string | null;
  @ApiProperty({ description: 'decided BARs, assigned or not' }) readonly bars!: number;
  @ApiProperty(COUNTS_BY_MODE) readonly byMode!: Record<string, number>;
  @ApiProperty({ type: CoverageDto }) readonly coverage!: CoverageDto;
  @ApiProperty({ ...U64, description: 'memory-BAR bytes given to a VM that trap to QEMU' })
  readonly offFastPathBytes!: string;
}

class FleetTotalsDto {
  @ApiProperty() readonly hosts!: number;
  @ApiProperty() readonly pes!: number;
  @ApiProperty() readonly vms!: number;
  @ApiProperty({ type: CoverageDto, description: 'every host together' }) readonly coverage!: CoverageDto;
}

export class FleetDto implements FleetWire {
  @ApiProperty({
    type: [HostViewDto],
    description: 'worst coverage first (byte share, then BAR share); hosts with nothing given to a VM last',
  })
  readonly hosts!: HostViewDto[];
  @ApiProperty({
    type: [FleetPeDto],
    description:
      'every PE, worst offender first: unbindable, emulated, partly mapped, pending BARs, then bytes off the fast path; PEs no VM holds last',
  })
  readonly pes!: FleetPeDto[];
  @ApiProperty({ type: FleetTotalsDto }) readonly totals!: FleetTotalsDto;
}
