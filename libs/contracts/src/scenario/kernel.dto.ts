import { IsBoolean, IsOptional } from 'class-validator';

/** Kernel features; each defaults to a current kernel. */
export class KernelDto {
  @IsOptional()
  @IsBoolean()
  subPageMmap?: boolean;

  @IsOptional()
  @IsBoolean()
  msixMappable?: boolean;

  @IsOptional()
  @IsBoolean()
  sparseMmap?: boolean;

  @IsOptional()
  @IsBoolean()
  defaultPageAlignment?: boolean;

  /** false: vfio-pci cannot bind (POWER kernels 5.19-6.3), every BAR is UNAVAILABLE. */
  @IsOptional()
  @IsBoolean()
  vfioPci?: boolean;
}
