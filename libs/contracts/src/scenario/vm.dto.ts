import { IsArray, IsOptional, IsString } from 'class-validator';
import { OptionalList, RequiredId } from '../validation/required';
import { BarAddressDto } from './bar-address.dto';
import { VmSettingsDto } from './vm-settings.dto';
import { IsId } from '../validation/is-id.decorator';

export class VmDto extends VmSettingsDto {
  @RequiredId()
  id!: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @IsId({ each: true })
  assignedPes?: string[];

  @OptionalList(() => BarAddressDto)
  guestBars?: BarAddressDto[];
}
