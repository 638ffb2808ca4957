import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ALIGNMENT_OVERRIDES,
  ALIGNMENT_POLICIES,
  MAPPING_MODES,
  REASONS,
  VFIO_REGION_CAPS,
  VFIO_REGION_FLAGS,
} from '@barplane/domain';

// The answer of POST /v1/plans for the OpenAPI document only (planToJson builds it; nothing
// validates it): docs/scenario.md "Output". Request bodies get their schemas from the
// validating DTOs instead (http/openapi-schemas.ts).

const U64 = { type: String, pattern: '^0x[0-9a-f]+$', description: 'a 64-bit value, lowercase "0x..."' } as const;
const ADVICE_KINDS = ['HOST_ALIGNMENT', 'GUEST_PLACEMENT', 'MSIX_RELOCATION', 'SLOT_BUDGET', 'HOST_KERNEL'];

export class PlanAlignmentDto {
  @ApiProperty({ enum: ALIGNMENT_POLICIES }) readonly policy!: string;
  @ApiProperty({ enum: ALIGNMENT_OVERRIDES }) readonly override!: string;
  @ApiProperty({ type: String, nullable: true, example: 'pci=resource_alignment=16@0000:01:00.0' })
  readonly kernelParameter!: string | null;
  @ApiProperty(U64) readonly mmioCost!: string;
  @ApiProperty() readonly barsGainingMmap!: number;
  @ApiProperty({ type: [String] }) readonly reasons!: string[];
}

export class PlanPeDto {
  @ApiProperty() readonly id!: string;
  @ApiProperty({ type: PlanAlignmentDto }) readonly alignment!: PlanAlignmentDto;
}

export class PlanRangeDto {
  @ApiProperty({
    ...U64,
    description: 'offset from the BAR (guest BAR for direct ranges, region start for sparse areas)',
  })
  readonly offset!: string;
  @ApiProperty(U64) readonly size!: string;
}

/** Text to paste, in the words of the tool that reads it (docs/domain.md "Advice"). */
export class PlanApplyFragmentDto {
  @ApiProperty({ enum: ['libvirt-xml', 'qemu-cmdline', 'host-kernel-cmdline', 'guest-kernel-cmdline'] })
  readonly target!: string;
  @ApiProperty({ example: '-device vfio-pci,host=0000:01:00.0,x-msix-relocation=bar2' }) readonly text!: string;
  @ApiProperty({ description: 'where to put it and what to know first' }) readonly note!: string;
}

/** One object per advice kind; only the kind's own fields are present, plus `apply` (docs/domain.md "Advice"). */
export class PlanAdviceDto {
  @ApiProperty({ enum: ADVICE_KINDS }) readonly kind!: string;
  @ApiPropertyOptional({ description: 'HOST_ALIGNMENT' }) readonly kernelParameter?: string;
  @ApiPropertyOptional({ ...U64, description: 'GUEST_PLACEMENT' }) readonly address?: string;
  @ApiPropertyOptional({ description: 'MSIX_RELOCATION' }) readonly option?: string;
  @ApiPropertyOptional({ description: 'MSIX_RELOCATION' }) readonly target?: number;
  @ApiPropertyOptional({ ...U64, description: 'MSIX_RELOCATION' }) readonly barSize?: string;
  @ApiPropertyOptional({ description: 'SLOT_BUDGET' }) readonly slotsNeeded?: number;
  @ApiPropertyOptional({ description: 'SLOT_BUDGET' }) readonly slotsFree?: number;
  @ApiPropertyOptional({ description: 'HOST_KERNEL' }) readonly minimumVersion?: string;
  @ApiPropertyOptional({ description: 'HOST_KERNEL' }) readonly commit?: string;
  @ApiProperty({
    type: [PlanApplyFragmentDto],
    description:
      'the exact fragments to apply; empty when there is nothing exact to paste (HOST_KERNEL, GUEST_PLACEMENT without a vendor:device ID)',
  })
  readonly apply!: PlanApplyFragmentDto[];
}

export class PlanBarDto {
  @ApiProperty() readonly pe!: string;
  @ApiProperty() readonly bdf!: string;
  @ApiProperty({ minimum: 0, maximum: 6 }) readonly index!: number;
  @ApiProperty({ enum: MAPPING_MODES }) readonly mode!: string;
  @ApiProperty({ enum: REASONS, isArray: true, description: 'in the order the rules fired' })
  readonly reasons!: string[];
  @ApiProperty() readonly slots!: number;
  @ApiProperty({ type: [PlanRangeDto] }) readonly directRanges!: PlanRangeDto[];
  @ApiProperty({ type: [PlanAdviceDto] }) readonly advice!: PlanAdviceDto[];
}

export class PlanSubPageReservationDto {
  @ApiProperty({ ...U64, description: 'host address right after the BAR' }) readonly start!: string;
  @ApiProperty({ ...U64, description: "up to the end of the BAR's host page" }) readonly size!: string;
}

/** What VFIO_DEVICE_GET_REGION_INFO would report for one BAR (0..5) or the ROM (6). */
export class PlanVfioRegionDto {
  @ApiProperty({ minimum: 0, maximum: 6 }) readonly index!: number;
  @ApiProperty({ ...U64, description: 'offset in the device fd: index << 40' }) readonly offset!: string;
  @ApiProperty(U64) readonly size!: string;
  @ApiProperty({ enum: VFIO_REGION_FLAGS, isArray: true }) readonly flags!: string[];
  @ApiProperty({
    enum: VFIO_REGION_CAPS,
    isArray: true,
    description: 'MSIX_MAPPABLE since 4.16; SPARSE_MMAP (with sparseAreas) on 4.6-4.15',
  })
  readonly caps!: string[];
  @ApiPropertyOptional({ type: [PlanRangeDto], description: 'SPARSE_MMAP only: the mmap-able areas' })
  readonly sparseAreas?: PlanRangeDto[];
  @ApiPropertyOptional({
    type: PlanSubPageReservationDto,
    description: 'a mmap-able sub-page BAR: the rest of its host page, claimed while the device is open',
  })
  readonly subPageReservation?: PlanSubPageReservationDto;
}

export class PlanFunctionRegionsDto {
  @ApiProperty() readonly pe!: string;
  @ApiProperty() readonly bdf!: string;
  @ApiProperty({ type: [PlanVfioRegionDto], description: 'empty on a host whose kernel cannot bind vfio-pci' })
  readonly regions!: PlanVfioRegionDto[];
}

export class PlanVmDto {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly slotsUsedBefore!: number;
  @ApiProperty() readonly slotsNeeded!: number;
  @ApiProperty() readonly slotLimit!: number;
}

export class PlanDto {
  @ApiProperty({ example: 'barplane-rules/2' }) readonly ruleSet!: string;
  @ApiProperty() readonly host!: string;
  @ApiProperty({ type: [PlanPeDto], description: 'in id order' }) readonly pes!: PlanPeDto[];
  @ApiProperty({ type: [PlanBarDto], description: 'in (pe, bdf, index) order' }) readonly bars!: PlanBarDto[];
  @ApiProperty({
    type: [PlanFunctionRegionsDto],
    description: 'every function in (pe, bdf) order with the VFIO regions vfio-pci would report once it is bound',
  })
  readonly regions!: PlanFunctionRegionsDto[];
  @ApiPropertyOptional({ type: PlanVmDto, description: 'only when the scenario has a VM' }) readonly vm?: PlanVmDto;
}
