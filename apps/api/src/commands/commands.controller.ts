import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Roles } from '../auth/roles.decorator';
import { CommandGateway } from './command-gateway';

/** The status URL of a command answered 202. */
@ApiTags('facts')
@ApiBearerAuth()
@Controller('v1/commands')
export class CommandsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Get(':commandId')
  @Roles('viewer')
  @ApiOperation({ summary: 'pending, applied (with the events) or rejected (with the problems)' })
  async status(@Param('commandId') commandId: string, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.gateway.outcome(commandId, commandId, 0);
    res.status(200);
    if (outcome.status === 'pending') return { commandId, status: 'pending' };
    return { commandId, correlationId: outcome.correlationId, status: outcome.status, answer: outcome.answer.data };
  }
}
