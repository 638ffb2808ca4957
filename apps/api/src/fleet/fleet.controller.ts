import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BarplaneError } from '@barplane/contracts';
import { Roles } from '../auth/roles.decorator';
import { FleetDto, HostViewDto, PeViewDto, VmViewDto } from './fleet.dto';
import { HostViews } from './host-views';

/** The fleet as operators read it: hosts, PEs, VMs, with decisions and fast-path coverage. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('v1')
export class FleetController {
  constructor(private readonly views: HostViews) {}

  @Get('fleet')
  @Roles('viewer')
  @ApiOperation({
    summary: 'The fleet overview in one read: hosts worst coverage first, every PE worst offender first, totals',
  })
  @ApiOkResponse({ type: FleetDto })
  fleet() {
    return this.views.fleet();
  }

  @Get('hosts')
  @Roles('viewer')
  @ApiOperation({ summary: 'Hosts with fast-path coverage (BARs and bytes by mode)' })
  @ApiOkResponse({ type: [HostViewDto] })
  @Header('content-type', 'application/json; charset=utf-8')
  async hosts(@Res({ passthrough: true }) res: Response): Promise<string> {
    const { json, etag } = await this.views.hostsJson();
    // Set before the body: Express then neither hashes the body for a tag of its own nor sends
    // it to a reader whose If-None-Match already names this list (304).
    res.setHeader('ETag', etag);
    return json;
  }

  @Get('hosts/:hostId')
  @Roles('viewer')
  @ApiOkResponse({ type: HostViewDto })
  async host(@Param('hostId') hostId: string) {
    return (await this.views.host(hostId)) ?? notFound(`host ${hostId}`);
  }

  @Get('hosts/:hostId/pes')
  @Roles('viewer')
  @ApiOperation({
    summary: "PEs with functions, BARs, VFIO regions, the alignment decision, each BAR decision and the PE's coverage",
  })
  @ApiOkResponse({ type: [PeViewDto] })
  async pes(@Param('hostId') hostId: string) {
    return (await this.views.pes(hostId)) ?? notFound(`host ${hostId}`);
  }

  @Get('hosts/:hostId/pes/:peId')
  @Roles('viewer')
  @ApiOkResponse({ type: PeViewDto })
  async pe(@Param('hostId') hostId: string, @Param('peId') peId: string) {
    const pes = await this.views.pes(hostId, peId);
    return pes?.[0] ?? notFound(`PE ${peId} on host ${hostId}`);
  }

  @Get('hosts/:hostId/pes/:peId/scenario')
  @Roles('viewer')
  @ApiOperation({
    summary:
      "The scenario a what-if of this PE starts from: the host's facts, every PE, the VM holding this PE; POST /v1/plans takes it as it is",
  })
  @ApiOkResponse({ schema: { $ref: '#/components/schemas/ScenarioDto' } })
  async scenario(@Param('hostId') hostId: string, @Param('peId') peId: string) {
    return (await this.views.scenario(hostId, peId)) ?? notFound(`PE ${peId} on host ${hostId}`);
  }

  @Get('vms')
  @Roles('viewer')
  @ApiOperation({ summary: 'VMs with assignments, guest BARs, memslot use and decisions' })
  @ApiOkResponse({ type: [VmViewDto] })
  vms() {
    return this.views.vms();
  }

  @Get('vms/:vmId')
  @Roles('viewer')
  @ApiOkResponse({ type: VmViewDto })
  async vm(@Param('vmId') vmId: string) {
    return (await this.views.vms(vmId))[0] ?? notFound(`VM ${vmId}`);
  }
}

function notFound(what: string): never {
  throw new BarplaneError('NOT_FOUND', `no ${what}`);
}
