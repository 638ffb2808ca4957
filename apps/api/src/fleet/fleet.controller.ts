import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BarplaneError } from '@barplane/contracts';
import { Roles } from '../auth/roles.decorator';
import { FleetDto, HostViewDto, PeViewDto, VmViewDto } from './fleet.dto';
import { HostViews, JsonAnswer } from './host-views';

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
  async hosts(@Req() req: Request, @Res() res: Response): Promise<void> {
    sendJson(req, res, await this.views.hostsJson());
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
  @Header('content-type', 'application/json; charset=utf-8')
  async pe(
    @Param('hostId') hostId: string,
    @Param('peId') peId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    sendJson(req, res, (await this.views.peJson(hostId, peId)) ?? notFound(`PE ${peId} on host ${hostId}`));
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

/**
 * A kept read: its tag set before the body (Express then neither hashes the body for a tag of
 * its own nor sends it to a reader whose If-None-Match already names it: 304), gzip to a reader
 * that takes it.
 */
function sendJson(req: Request, res: Response, answer: JsonAnswer): void {
  res.setHeader('ETag', answer.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.send(answer.json);
    return;
  }
  res.setHeader('Content-Encoding', 'gzip');
  res.send(answer.gzip);
}
