import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { Required, RequiredId } from '../validation/required';
import { FunctionDto } from './function.dto';

export class PeDto {
  @RequiredId()
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
