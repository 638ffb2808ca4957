import { U64Json } from '../validation/is-u64.decorator';
import { BarIndex, RequiredBdf, RequiredU64 } from '../validation/required';

/** A BAR of a function and an address for it: what a relocation on the host and a guest BAR both say. */
export class BarAddressDto {
  @RequiredBdf()
  bdf!: string;

  @BarIndex()
  index!: number;

  @RequiredU64()
  address!: U64Json;
}
