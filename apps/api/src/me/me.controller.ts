import { BearerController } from '../auth/bearer-controller.decorator';
import { Get, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AuthenticatedRequest } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';

/** Who the token stands for, so a client can show what it may do. */
@BearerController('v1/me', 'operations')
export class MeController {
  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'The principal and roles of the bearer token' })
  me(@Req() req: AuthenticatedRequest) {
    return { principal: req.principal!.name, roles: [...req.principal!.roles] };
  }
}
