import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { OptionalList, OptionalNested, RequiredBdf } from '../validation/required';
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

  @OptionalList(() => BarDto)
  bars?: BarDto[];

  @OptionalNested(() => MsixDto)
  msix?: MsixDto;
}
