import { Type } from 'class-transformer';
import { IsArray, ValidateNested } from 'class-validator';
import { OptionalNested, Required } from '../validation/required';
import { HostDto } from './host.dto';
import { PeDto } from './pe.dto';
import { VmDto } from './vm.dto';

/** The body of `barplane plan` and `POST /v1/plans` (scenario.md). */
export class ScenarioDto {
  @Required()
  @ValidateNested()
  @Type(() => HostDto)
  host!: HostDto;

  @Required()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PeDto)
  pes!: PeDto[];

  @OptionalNested(() => VmDto)
  vm?: VmDto;
}
