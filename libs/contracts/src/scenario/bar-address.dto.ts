import { IsInt, Max, Min } from 'class-validator';
import { IsBdf } from '../validation/is-bdf.decorator';
import { IsU64, U64Json } from '../validation/is-u64.decorator';
import { Required } from '../validation/required';

/** A BAR of a function and an address for it: what a relocation on the host and a guest BAR both say. */
export class BarAddressDto {
  @Required()
  @IsBdf()
  bdf!: string;

  @Required()
  @IsInt()
  @Min(0)
  @Max(6)
  index!: number;

  @Required()
  @IsU64()
  address!: U64Json;
}
