import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsU64, U64Json } from '../validation/is-u64.decorator';
import { Required, RequiredU64 } from '../validation/required';

export class MsixDto {
  @Required()
  @IsInt()
  @Min(0)
  @Max(5)
  tableBar!: number;

  @RequiredU64()
  tableOffset!: U64Json;

  @Required()
  @IsInt()
  @Min(1)
  @Max(2048)
  vectors!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  pbaBar?: number;

  @IsOptional()
  @IsU64()
  pbaOffset?: U64Json;
}
