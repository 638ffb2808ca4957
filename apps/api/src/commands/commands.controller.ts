import { BearerController } from '../auth/bearer-controller.decorator';
import { Get, Param, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Response } from 'express';
import { BarplaneError } from '@barplane/contracts';
import { Roles } from '../auth/roles.decorator';
import { CommandGateway } from './command-gateway';

/** The status URL of a command answered 202. */
@BearerController('v1/commands', 'facts')
export class CommandsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Get(':commandId')
  @Roles('viewer')
  @ApiOperation({
    summary:
      'pending, applied (with the events), rejected (with the problems), or failed (its owner could not process it; with the reason); 404 for an id never sent',
  })
  async status(@Param('commandId') commandId: string, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.gateway.outcome(commandId, commandId, 0);
    res.status(200);
    if (outcome.status === 'pending') {
      if (!(await this.gateway.known(commandId)))
        throw new BarplaneError('NOT_FOUND', `no command ${commandId} was sent`);
      return { commandId, status: 'pending' };
    }
    // An owner answers a command it could not process (dead-lettered) as rejected with FAILED.
    const failed = outcome.status === 'rejected' && (outcome.answer.data as { code?: unknown }).code === 'FAILED';
    return {
      commandId,
      correlationId: outcome.correlationId,
      status: failed ? 'failed' : outcome.status,
      answer: outcome.answer.data,
    };
  }
}
