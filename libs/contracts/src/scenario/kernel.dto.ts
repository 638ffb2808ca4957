import { IsBoolean, IsOptional } from 'class-validator';

/** Kernel features; each defaults to a current kernel. */
export class KernelDto {
  @IsOptional() @IsBoolean()
  subPageMmap?: boolean;

  @IsOptional() @IsBoolean()
  msixMappable?: boolean;

  @IsOptional() @IsBoolean()
  sparseMmap?: boolean;

  @IsOptional() @IsBoolean()
  defaultPageAlignment?: boolean;
}
