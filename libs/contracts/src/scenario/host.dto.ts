import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PLATFORMS, Platform } from '@barplane/domain';
import { U64Json } from '../validation/is-u64.decorator';
import { OptionalList, OptionalNested, Required, RequiredId } from '../validation/required';
import { AddressRangeDto } from './address-range.dto';
import { KernelDto } from './kernel.dto';
import { PhbDto } from './phb.dto';

export const PAGE_SIZE_TEXT = ['0x1000', '0x4000', '0x10000'] as const;

export class HostDto {
  @RequiredId()
  id!: string;

  @Required()
  @IsIn(PLATFORMS)
  platform!: Platform;

  /** Compared as a number so that "0x10000", "65536" and 65536 all name the 64K page. */
  @Required()
  @IsIn([...PAGE_SIZE_TEXT, '4096', '16384', '65536', 4096, 16384, 65536], {
    message: 'must be 0x1000, 0x4000 or 0x10000',
  })
  pageSize!: U64Json;

  @OptionalNested(() => KernelDto)
  kernel?: KernelDto;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(0x7fffffff)
  kvmMemslots?: number;

  @OptionalList(() => AddressRangeDto)
  reservedRanges?: AddressRangeDto[];

  @OptionalList(() => PhbDto)
  phbs?: PhbDto[];
}
