import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scenario, planAnswer, planToJson } from '@barplane/domain';
import { PlanRequestDto } from '@barplane/contracts';
import { planRequestFromJson } from '@barplane/importers';
import { Roles } from '../auth/roles.decorator';
import { ContractBodyPipe } from '../http/contract-body.pipe';
import { PlanDto } from './plan-response.dto';

/** A scenario, or a host's scenario and a libvirt domain: every problem of both (libs/importers). */
export const PLAN_REQUEST = ContractBodyPipe.by<Scenario>((body, inexact) => {
  const read = planRequestFromJson(body, inexact);
  return read.ok ? { ok: true, value: read.scenario } : { ok: false, problems: [...read.problems] };
});

@ApiTags('plans')
@Controller('v1/plans')
export class PlansController {
  @Post()
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({
    summary: 'The offline plan of a scenario (docs/scenario.md); nothing is stored',
    description:
      "What-if for provisioning: a host's scenario without `vm` plus `libvirtXml`, the libvirt domain XML of a VM not yet defined (what `virsh dumpxml` prints). " +
      "Its hostdevs become the VM's PEs (whole: 400 naming the missing siblings otherwise), its machine and qemu overrides (x-msix-relocation, x-no-mmap) the VM's settings; guest BARs are unknown, so the guest side is PENDING.",
  })
  @ApiBody({ type: PlanRequestDto })
  @ApiOkResponse({
    description: "the plan, as `barplane plan` prints it: decisions and each function's VFIO regions",
    type: PlanDto,
  })
  plan(@Body(PLAN_REQUEST) scenario: Scenario): Record<string, unknown> {
    return planToJson(planAnswer(scenario));
  }
}
