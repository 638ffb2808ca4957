import { IsBoolean, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { MACHINES, MSIX_RELOCATIONS, Machine, MsixRelocation } from '@barplane/domain';
import '../validation/required';

/** How QEMU runs a VM's devices: shared by a scenario's `vm` and the CreateVm command. */
export class VmSettingsDto {
  @IsOptional()
  @IsIn(MACHINES)
  machine?: Machine;

  @IsOptional()
  @IsBoolean()
  msixEmulation?: boolean;

  @IsOptional()
  @IsBoolean()
  noMmap?: boolean;

  @IsOptional()
  @IsIn(MSIX_RELOCATIONS)
  msixRelocation?: MsixRelocation;

  @IsOptional()
  @IsInt()
  @Min(0)
  memslotsUsed?: number;
}
