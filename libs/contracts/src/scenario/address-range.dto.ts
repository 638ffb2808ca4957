import { U64Json } from '../validation/is-u64.decorator';
import { RequiredU64 } from '../validation/required';

/** A range given as start and size (reserved MMIO, PHB windows). */
export class AddressRangeDto {
  @RequiredU64()
  start!: U64Json;

  @RequiredU64()
  size!: U64Json;
}
