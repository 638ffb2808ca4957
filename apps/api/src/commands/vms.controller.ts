import { Body, Controller, Delete, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { BarplaneError } from '@barplane/contracts';
import { AuthenticatedRequest } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { ReadModels } from '../read-models/read-models';
import { CommandGateway } from './command-gateway';
import { objectBody, sendFor } from './command-context';
import { commandResponse } from './command-response';

/** Facts owned by guest-memory: VMs, PE assignments, guest BAR programming. */
@ApiTags('facts')
@ApiBearerAuth()
@Controller('v1/vms')
export class VmsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'Create a VM: `{ id, hostId, machine?, msixEmulation?, noMmap?, msixRelocation?, memslotsUsed? }`' })
  async create(@Body() body: unknown, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    const { id, hostId, ...rest } = objectBody(body);
    const missing = [
      ...(typeof hostId === 'string' && hostId ? [] : [{ path: 'hostId', message: 'is required' }]),
      ...(typeof id === 'string' && id ? [] : [{ path: 'id', message: 'is required' }]),
    ];
    if (missing.length) throw BarplaneError.invalid(missing);
    const outcome = await sendFor(this.gateway, req, 'CreateVm', hostId as string, { ...rest, vmId: id }, (p) => ({ ...p, path: p.path === 'vmId' ? 'id' : p.path }));
    return commandResponse(res, outcome, 201, { vm: { id, hostId } });
  }

  @Post(':vmId/assignments')
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'Give a PE to the VM: `{ "peId" }` (or `{ "bdf" }` of one of its functions); 409 names siblings held elsewhere' })
  async assign(@Param('vmId') vmId: string, @Body() body: unknown, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    const hostId = await this.hostOf(vmId);
    return commandResponse(res, await sendFor(this.gateway, req, 'AssignPe', hostId, { ...objectBody(body), vmId }), 201);
  }

  @Delete(':vmId/assignments/:peId')
  @Roles('provisioner', 'operator')
  async release(@Param('vmId') vmId: string, @Param('peId') peId: string, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    const hostId = await this.hostOf(vmId);
    return commandResponse(res, await sendFor(this.gateway, req, 'ReleasePe', hostId, { vmId, peId }), 200);
  }

  @Put(':vmId/guest-bars')
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'Guest BAR addresses as programmed by guest firmware: `[ { bdf, index, address } ]`' })
  async guestBars(@Param('vmId') vmId: string, @Body() body: unknown, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    if (!Array.isArray(body)) throw BarplaneError.invalid([{ path: '$', message: 'must be an array of { bdf, index, address }' }]);
    const hostId = await this.hostOf(vmId);
    const results: unknown[] = [];
    for (let i = 0; i < body.length; i++) {
      const entry = body[i] && typeof body[i] === 'object' ? (body[i] as Record<string, unknown>) : {};
      const outcome = await sendFor(this.gateway, req, 'ProgramGuestBar', hostId, { ...entry, vmId }, (p) => ({ ...p, path: `[${i}].${p.path}` }));
      results.push(commandResponse(res, outcome, 200));
      if (outcome.status === 'pending') break;
    }
    return { vmId, results };
  }

  private async hostOf(vmId: string): Promise<string> {
    const hostId = await this.reads.hostOfVm(vmId);
    if (!hostId) throw new BarplaneError('NOT_FOUND', `no VM ${vmId}`);
    return hostId;
  }
}
