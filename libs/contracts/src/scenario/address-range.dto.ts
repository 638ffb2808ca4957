import { IsU64, U64Json } from '../validation/is-u64.decorator';
import { Required } from '../validation/required';

/** A range given as start and size (reserved MMIO, PHB windows). */
export class AddressRangeDto {
  @Required()
  @IsU64()
  start!: U64Json;

  @Required()
  @IsU64()
  size!: U64Json;
}
