import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { RequiredBdf } from '../validation/required';
import { BarDto } from './bar.dto';
import { MsixDto } from './msix.dto';

export class FunctionDto {
  @RequiredBdf()
  bdf!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{4}:[0-9a-f]{4}$/i, { message: 'must be vendor:device as 4+4 hex digits' })
  vendorDevice?: string;

  @IsOptional()
  @IsBoolean()
  isVf?: boolean;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => BarDto)
  bars?: BarDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => MsixDto)
  msix?: MsixDto;
}
