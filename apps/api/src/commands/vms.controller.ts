import { BearerController } from '../auth/bearer-controller.decorator';
import { Body, Delete, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { Response } from 'express';
import { BarplaneError, MAX_GUEST_BARS } from '@barplane/contracts';
import { Problem } from '@barplane/domain';
import { AuthenticatedRequest } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { ReadModels } from '../read-models/read-models';
import { CommandGateway } from './command-gateway';
import { sendFor } from './command-context';
import { bareArrayPath, ContractBodyPipe } from '../http/contract-body.pipe';
import { AssignPeBodyDto, CreateVmBodyDto, GuestBarSetBodyDto } from './vm-bodies.dto';
import { commandResponse } from './command-response';

/** Facts owned by guest-memory: VMs, PE assignments, guest BAR programming. */
@BearerController('v1/vms', 'facts')
export class VmsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary: 'Create a VM: `{ id, hostId, machine?, msixEmulation?, noMmap?, msixRelocation?, memslotsUsed? }`',
  })
  async create(
    @Body(ContractBodyPipe.of(CreateVmBodyDto)) body: CreateVmBodyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { id, hostId, ...settings } = body;
    const outcome = await sendFor(this.gateway, req, 'CreateVm', hostId, { ...settings, vmId: id }, (p) => ({
      ...p,
      path: p.path === 'vmId' ? 'id' : p.path,
    }));
    return commandResponse(res, outcome, 201, { vm: { id, hostId } });
  }

  @Post(':vmId/assignments')
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary:
      'Give a PE to the VM: `{ "peId" }` (or `{ "bdf" }` of one of its functions); 409 names siblings held elsewhere',
  })
  async assign(
    @Param('vmId') vmId: string,
    @Body(ContractBodyPipe.of(AssignPeBodyDto)) body: AssignPeBodyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const hostId = await this.hostOf(vmId);
    return commandResponse(res, await sendFor(this.gateway, req, 'AssignPe', hostId, { ...body, vmId }), 201);
  }

  @Delete(':vmId/assignments/:peId')
  @Roles('provisioner', 'operator')
  async release(
    @Param('vmId') vmId: string,
    @Param('peId') peId: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const hostId = await this.hostOf(vmId);
    return commandResponse(res, await sendFor(this.gateway, req, 'ReleasePe', hostId, { vmId, peId }), 200);
  }

  @Put(':vmId/guest-bars')
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary: `The VM's guest BAR set as one command, all or nothing: \`{ "bars": [ { bdf, index, address | null } ] }\` (at most ${MAX_GUEST_BARS} entries)`,
    description:
      "One ProgramGuestBars command. For every function it names, the VM's guest BARs become exactly the entries with an address (null, or a BAR left out: " +
      'not mapped by the guest, any earlier address removed); functions not named keep theirs. Any bad entry refuses the whole set (400, every bad entry ' +
      'named as `bars[i].field`) and nothing is stored; sending the same set again changes nothing (200, no events). `vmId` in the body, if given, must be ' +
      "the path's. The bare array `[ { bdf, index, address } ]` of earlier versions is still accepted as the same single command (problems named `[i].field`).",
  })
  @ApiBody({
    schema: {
      oneOf: [
        {
          allOf: [
            { $ref: '#/components/schemas/GuestBarSetDto' },
            { type: 'object', properties: { vmId: { type: 'string', description: "optional: the path's VM" } } },
          ],
        },
        {
          type: 'array',
          deprecated: true,
          maxItems: MAX_GUEST_BARS,
          items: { $ref: '#/components/schemas/GuestBarSettingDto' },
        },
      ],
    },
  })
  async guestBars(
    @Param('vmId') vmId: string,
    @Body(ContractBodyPipe.orBareArray(GuestBarSetBodyDto, 'bars')) body: GuestBarSetBodyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const bare = Array.isArray(req.body);
    const { vmId: named, bars } = body;
    if (named !== undefined && named !== vmId) {
      throw BarplaneError.invalid([
        { path: 'vmId', message: `is ${JSON.stringify(named)}, but the path names VM "${vmId}"` },
      ]);
    }
    // A bare array's problems are named at its own paths (`[3].address`), as its sender wrote it.
    const paths = bare ? (p: Problem) => bareArrayPath(p, 'bars') : (p: Problem) => p;
    const hostId = await this.hostOf(vmId);
    const outcome = await sendFor(this.gateway, req, 'ProgramGuestBars', hostId, { bars, vmId }, paths);
    try {
      return commandResponse(res, outcome, 200, { vmId });
    } catch (error) {
      if (bare && error instanceof BarplaneError)
        throw new BarplaneError(error.code, error.message, error.problems.map(paths));
      throw error;
    }
  }

  private async hostOf(vmId: string): Promise<string> {
    const hostId = await this.reads.hostOfVm(vmId);
    if (!hostId) throw new BarplaneError('NOT_FOUND', `no VM ${vmId}`);
    return hostId;
  }
}
