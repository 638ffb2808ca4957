import { IsOptional } from 'class-validator';
import { VmSettingsDto } from '../scenario/vm-settings.dto';
import { BarAddressDto } from '../scenario/bar-address.dto';
import { IsBdf } from '../validation/is-bdf.decorator';
import { PeIdUnlessBdf, RequiredId } from '../validation/required';

/** Data of the guest-memory commands on guest.commands. */
export class CreateVmDto extends VmSettingsDto {
  @RequiredId()
  vmId!: string;
}

/** The PE by its id, or by the BDF of one of its functions. */
export class AssignPeDto {
  @RequiredId()
  vmId!: string;

  @PeIdUnlessBdf()
  peId?: string;

  @IsOptional()
  @IsBdf()
  bdf?: string;
}

export class ProgramGuestBarDto extends BarAddressDto {
  @RequiredId()
  vmId!: string;
}

export class ReleasePeDto {
  @RequiredId()
  vmId!: string;

  @RequiredId()
  peId!: string;
}
