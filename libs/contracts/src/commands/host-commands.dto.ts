import { Type } from 'class-transformer';
import { IsArray, IsIn, ValidateNested } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { Required, RequiredBdf, RequiredId } from '../validation/required';
import { HostDto } from '../scenario/host.dto';
import { PeDto } from '../scenario/pe.dto';

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
  @RequiredId()
  peId!: string;

  @Required()
  @IsIn(ALIGNMENT_OVERRIDES)
  alignment!: AlignmentOverride;
}

export class RemoveFunctionDto {
  @RequiredBdf()
  bdf!: string;
}
