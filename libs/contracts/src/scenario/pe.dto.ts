import { Type } from 'class-transformer';
import { IsArray, IsIn, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ALIGNMENT_OVERRIDES, AlignmentOverride } from '@barplane/domain';
import { Required } from '../validation/required';
import { FunctionDto } from './function.dto';

export class PeDto {
  @Required() @IsString() @IsNotEmpty()
  id!: string;

  @IsOptional() @IsIn(ALIGNMENT_OVERRIDES)
  alignment?: AlignmentOverride;

  @Required() @IsArray() @ValidateNested({ each: true }) @Type(() => FunctionDto)
  functions!: FunctionDto[];
}
