import { Type } from 'class-transformer';
import { IsArray, IsIn, IsString, ValidateNested } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { IsBdf } from '../validation/is-bdf.decorator';
import { Required } from '../validation/required';
import { HostDto } from '../scenario/host.dto';
import { PeDto } from '../scenario/pe.dto';
import { IsId } from '../validation/is-id.decorator';

/** Data of the pe-registry commands (docs/control-plane.md), as they travel on pe.commands. */
export class RegisterHostDto {
  @Required()
  @ValidateNested()
  @Type(() => HostDto)
  host!: HostDto;
}

export class ImportTopologyDto {
  @Required()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PeDto)
  pes!: PeDto[];
}

export class SetAlignmentOverrideDto {
  @Required()
  @IsString()
  @IsId()
  peId!: string;

  @Required()
  @IsIn(ALIGNMENT_OVERRIDES)
  alignment!: AlignmentOverride;
}

export class RemoveFunctionDto {
  @Required()
  @IsBdf()
  bdf!: string;
}
