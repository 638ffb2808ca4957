import { IsDefined, IsOptional, IsString, ValidateIf } from 'class-validator';
import { VmSettingsDto } from '../scenario/vm-settings.dto';
import { BarAddressDto } from '../scenario/bar-address.dto';
import { IsBdf } from '../validation/is-bdf.decorator';
import { Required } from '../validation/required';
import { IsId } from '../validation/is-id.decorator';

/** Data of the guest-memory commands on guest.commands. */
export class CreateVmDto extends VmSettingsDto {
  @Required() @IsString() @IsId()
  vmId!: string;
}

/** The PE by its id, or by the BDF of one of its functions. */
export class AssignPeDto {
  @Required() @IsString() @IsId()
  vmId!: string;

  @ValidateIf((o: AssignPeDto) => o.bdf === undefined)
  @IsDefined({ message: 'is required unless bdf names one of its functions' })
  @IsString()
  @IsId()
  peId?: string;

  @IsOptional() @IsBdf()
  bdf?: string;
}

export class ProgramGuestBarDto extends BarAddressDto {
  @Required() @IsString() @IsId()
  vmId!: string;
}

export class ReleasePeDto {
  @Required() @IsString() @IsId()
  vmId!: string;

  @Required() @IsString() @IsId()
  peId!: string;
}
