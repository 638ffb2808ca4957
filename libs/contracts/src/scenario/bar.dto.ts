import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { BAR_KINDS, BarKind } from '@barplane/domain';
import { IsU64, U64Json } from '../validation/is-u64.decorator';
import { Required } from '../validation/required';

export class BarDto {
  @Required()
  @IsInt()
  @Min(0)
  @Max(6)
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

  @Required()
  @IsU64()
  address!: U64Json;

  @Required()
  @IsU64()
  size!: U64Json;
}
