import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { planAnswer, planToJson } from '@barplane/domain';
import { BarplaneError, PlanRequestDto } from '@barplane/contracts';
import { planRequestFromJson } from '@barplane/importers';
import { Roles } from '../auth/roles.decorator';
import { ExactRequest } from '../http/exact-json.middleware';
import { PlanDto } from './plan-response.dto';

@ApiTags('plans')
@Controller('v1/plans')
export class PlansController {
  @Post()
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({
    summary: 'The offline plan of a scenario (docs/scenario.md); nothing is stored',
    description:
      'What-if for provisioning: a host\'s scenario without `vm` plus `libvirtXml`, the libvirt domain XML of a VM not yet defined (what `virsh dumpxml` prints). ' +
      'Its hostdevs become the VM\'s PEs (whole: 400 naming the missing siblings otherwise), its machine and qemu overrides (x-msix-relocation, x-no-mmap) the VM\'s settings; guest BARs are unknown, so the guest side is PENDING.',
  })
  @ApiBody({ type: PlanRequestDto })
  @ApiOkResponse({ description: 'the plan, as `barplane plan` prints it: decisions and each function\'s VFIO regions', type: PlanDto })
  plan(@Body() body: unknown, @Req() req: ExactRequest): Record<string, unknown> {
    const read = planRequestFromJson(body, req.inexact ?? []);
    if (!read.ok) throw BarplaneError.invalid(read.problems);
    return planToJson(planAnswer(read.scenario));
  }
}
