import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { Required } from '../validation/required';
import { FunctionDto } from './function.dto';
import { IsId } from '../validation/is-id.decorator';

export class PeDto {
  @Required()
  @IsString()
  @IsId()
  id!: string;

  @IsOptional()
  @IsIn(ALIGNMENT_OVERRIDES)
  alignment?: AlignmentOverride;

  @Required()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FunctionDto)
  functions!: FunctionDto[];
}
