import { IsOptional, IsString } from 'class-validator';
import { GuestBarSetDto, IsBdf, IsId, PeIdUnlessBdf, RequiredId, VmSettingsDto } from '@barplane/contracts';

/** Bodies of the VM routes; the VM of the path is added to their command's data (libs/contracts). */
export class CreateVmBodyDto extends VmSettingsDto {
  @RequiredId()
  id!: string;

  @RequiredId()
  hostId!: string;
}

/** The PE to give the VM of the path: by its id, or by the BDF of one of its functions. */
export class AssignPeBodyDto {
  @PeIdUnlessBdf()
  peId?: string;

  @IsOptional()
  @IsBdf()
  bdf?: string;
}

/** PUT /v1/vms/{vmId}/guest-bars; `vmId`, when given, must be the path's. */
export class GuestBarSetBodyDto extends GuestBarSetDto {
  @IsOptional()
  @IsString()
  @IsId()
  vmId?: string;
}
