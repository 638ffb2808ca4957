import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Required } from '../validation/required';
import { GuestBarDto } from './guest-bar.dto';
import { VmSettingsDto } from './vm-settings.dto';

export class VmDto extends VmSettingsDto {
  @Required() @IsString() @IsNotEmpty()
  id!: string;

  @IsOptional() @IsArray() @IsString({ each: true })
  assignedPes?: string[];

  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => GuestBarDto)
  guestBars?: GuestBarDto[];
}
