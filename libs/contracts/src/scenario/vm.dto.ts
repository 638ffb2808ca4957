import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { MACHINES, MSIX_RELOCATIONS, Machine, MsixRelocation } from '@barplane/domain';
import { Required } from '../validation/required';
import { GuestBarDto } from './guest-bar.dto';

export class VmDto {
  @Required() @IsString() @IsNotEmpty()
  id!: string;

  @IsOptional() @IsIn(MACHINES)
  machine?: Machine;

  @IsOptional() @IsBoolean()
  msixEmulation?: boolean;

  @IsOptional() @IsBoolean()
  noMmap?: boolean;

  @IsOptional() @IsIn(MSIX_RELOCATIONS)
  msixRelocation?: MsixRelocation;

  @IsOptional() @IsInt() @Min(0)
  memslotsUsed?: number;

  @IsOptional() @IsArray() @IsString({ each: true })
  assignedPes?: string[];

  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => GuestBarDto)
  guestBars?: GuestBarDto[];
}
