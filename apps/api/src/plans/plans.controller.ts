import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { planAnswer, planToJson } from '@barplane/domain';
import { BarplaneError, ScenarioDto, scenarioFromJson } from '@barplane/contracts';
import { Roles } from '../auth/roles.decorator';
import { ExactRequest } from '../http/exact-json.middleware';
import { PlanDto } from './plan-response.dto';

@ApiTags('plans')
@Controller('v1/plans')
export class PlansController {
  @Post()
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: 'The offline plan of a scenario (docs/scenario.md); nothing is stored' })
  @ApiBody({ type: ScenarioDto })
  @ApiOkResponse({ description: 'the plan, as `barplane plan` prints it: decisions and each function\'s VFIO regions', type: PlanDto })
  plan(@Body() body: unknown, @Req() req: ExactRequest): Record<string, unknown> {
    const read = scenarioFromJson(body, req.inexact ?? []);
    if (!read.ok) throw BarplaneError.invalid(read.problems);
    return planToJson(planAnswer(read.scenario));
  }
}
