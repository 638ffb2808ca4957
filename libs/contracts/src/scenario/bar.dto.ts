import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { BAR_KINDS, BarKind } from '@barplane/domain';
import { U64Json } from '../validation/is-u64.decorator';
import { BarIndex, Required, RequiredU64 } from '../validation/required';

export class BarDto {
  @BarIndex()
  index!: number;

  @Required()
  @IsIn(BAR_KINDS)
  kind!: BarKind;

  @IsOptional()
  @IsBoolean()
  prefetchable?: boolean;

  @IsOptional()
  @IsBoolean()
  fixed?: boolean;

  @RequiredU64()
  address!: U64Json;

  @RequiredU64()
  size!: U64Json;
}
