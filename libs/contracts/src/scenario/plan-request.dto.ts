import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ScenarioDto } from './scenario.dto';

/** The longest domain XML `POST /v1/plans` reads (real ones are a few KiB). */
export const MAX_PLAN_LIBVIRT_XML = 1 << 20;

/**
 * The body of `POST /v1/plans`: a scenario, or, for what-if provisioning, a host's scenario
 * without `vm` plus the libvirt domain XML of the VM to plan on it (scenario.md, "What-if with a
 * libvirt domain"). Validation of the XML itself is libs/importers' (plan-request.ts).
 */
export class PlanRequestDto extends ScenarioDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PLAN_LIBVIRT_XML)
  libvirtXml?: string;
}
