import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BarplaneError } from '@barplane/contracts';
import { Roles } from '../auth/roles.decorator';
import { HostViews } from './host-views';

/** The fleet as operators read it: hosts, PEs, VMs, with decisions and fast-path coverage. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('v1')
export class FleetController {
  constructor(private readonly views: HostViews) {}

  @Get('hosts')
  @Roles('viewer')
  @ApiOperation({ summary: 'Hosts with fast-path coverage (BARs and bytes by mode)' })
  hosts() {
    return this.views.hosts();
  }

  @Get('hosts/:hostId')
  @Roles('viewer')
  async host(@Param('hostId') hostId: string) {
    return (await this.views.host(hostId)) ?? notFound(`host ${hostId}`);
  }

  @Get('hosts/:hostId/pes')
  @Roles('viewer')
  @ApiOperation({ summary: 'PEs with functions, BARs, VFIO regions, the alignment decision and each BAR decision' })
  async pes(@Param('hostId') hostId: string) {
    return (await this.views.pes(hostId)) ?? notFound(`host ${hostId}`);
  }

  @Get('hosts/:hostId/pes/:peId')
  @Roles('viewer')
  async pe(@Param('hostId') hostId: string, @Param('peId') peId: string) {
    const pes = await this.views.pes(hostId, peId);
    return pes?.[0] ?? notFound(`PE ${peId} on host ${hostId}`);
  }

  @Get('vms')
  @Roles('viewer')
  @ApiOperation({ summary: 'VMs with assignments, guest BARs, memslot use and decisions' })
  vms() {
    return this.views.vms();
  }

  @Get('vms/:vmId')
  @Roles('viewer')
  async vm(@Param('vmId') vmId: string) {
    return (await this.views.vms(vmId))[0] ?? notFound(`VM ${vmId}`);
  }
}

function notFound(what: string): never {
  throw new BarplaneError('NOT_FOUND', `no ${what}`);
}
