import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { OptionalNested, Required } from '../validation/required';
import { AddressRangeDto } from './address-range.dto';

/** A PCI host bridge; informational in rule sets 1 and 2. */
export class PhbDto {
  @Required()
  @Matches(/^[0-9a-f]{4}$/i, { message: 'must be a PCI domain of 4 hex digits' })
  domain!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  peCount?: number;

  @OptionalNested(() => AddressRangeDto)
  m32Window?: AddressRangeDto;

  @OptionalNested(() => AddressRangeDto)
  m64Window?: AddressRangeDto;
}
