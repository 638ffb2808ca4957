import { BearerController } from '../auth/bearer-controller.decorator';
import { Body, Delete, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Response } from 'express';
import { BarplaneError, HostDto, ImportTopologyDto } from '@barplane/contracts';
import { AuthenticatedRequest } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { ReadModels } from '../read-models/read-models';
import { HostViews } from '../fleet/host-views';
import { CommandGateway } from './command-gateway';
import { commandResponse } from './command-response';
import { sendFor } from './command-context';
import { ContractBodyPipe } from '../http/contract-body.pipe';
import { AlignmentBodyDto, BarMoveBodyDto } from './host-bodies.dto';

/** Facts owned by pe-registry and vfio-regions: commands over Kafka, answered when decided. */
@BearerController('v1/hosts', 'facts')
export class HostsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly reads: ReadModels,
    private readonly views: HostViews,
  ) {}

  @Post()
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'Register a host (the `host` object of a scenario)' })
  async register(
    @Body(ContractBodyPipe.of(HostDto)) host: HostDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await sendFor(this.gateway, req, 'RegisterHost', host.id, { host }, (p) => ({
      ...p,
      path: p.path.replace(/^host\.?/, '') || '$',
    }));
    const view = outcome.status === 'applied' ? await this.views.host(host.id) : undefined;
    return commandResponse(res, outcome, 201, view ? { host: view } : {});
  }

  @Put(':hostId/topology')
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary:
      'Import the topology: `{ "pes": [...] }`; answers what changed; 409 when it would drop or re-partition a PE a VM holds (pe-registry refuses it, naming the PE and the VM)',
  })
  async topology(
    @Param('hostId') hostId: string,
    @Body(ContractBodyPipe.of(ImportTopologyDto)) topology: ImportTopologyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await sendFor(this.gateway, req, 'ImportTopology', hostId, { pes: topology.pes });
    return commandResponse(res, outcome, 200);
  }

  @Put(':hostId/pes/:peId/alignment')
  @Roles('operator')
  @ApiOperation({ summary: 'Set a PE alignment override: `{ "override": "auto" | "page" | "none" }`' })
  async alignment(
    @Param('hostId') hostId: string,
    @Param('peId') peId: string,
    @Body(ContractBodyPipe.of(AlignmentBodyDto)) body: AlignmentBodyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await sendFor(
      this.gateway,
      req,
      'SetAlignmentOverride',
      hostId,
      { peId, alignment: body.override },
      (p) => ({ ...p, path: p.path === 'alignment' ? 'override' : p.path }),
    );
    return commandResponse(res, outcome, 200);
  }

  @Put(':hostId/functions/:bdf/bars/:index')
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary: 'A BAR moved on the host: `{ "address", "size"? }` (size, if given, must be the current one)',
  })
  async bar(
    @Param('hostId') hostId: string,
    @Param('bdf') bdf: string,
    @Param('index') index: string,
    @Body(ContractBodyPipe.of(BarMoveBodyDto)) body: BarMoveBodyDto,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { size, address } = body;
    const bar = await this.views.hostBar(hostId, bdf, Number(index));
    if (size !== undefined && bar && String(size).toLowerCase() !== bar.size) {
      throw BarplaneError.invalid([
        {
          path: 'size',
          message: `resizing is not a BAR move: the BAR is ${bar.size}; import the topology again to resize`,
        },
      ]);
    }
    const outcome = await sendFor(this.gateway, req, 'RelocateBar', hostId, {
      address,
      bdf,
      index: /^\d+$/.test(index) ? Number(index) : index,
    });
    return commandResponse(res, outcome, 200);
  }

  @Delete(':hostId/functions/:bdf')
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'A function removed (hot-unplug); 409 while its PE is given to a VM' })
  async remove(
    @Param('hostId') hostId: string,
    @Param('bdf') bdf: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.refuseWhileAssigned(hostId, bdf, 'removed');
    return commandResponse(res, await sendFor(this.gateway, req, 'RemoveFunction', hostId, { bdf }), 200);
  }

  @Put(':hostId/functions/:bdf/vfio')
  @Roles('provisioner', 'operator')
  @ApiOperation({
    summary:
      'Bind a function to vfio-pci ahead of assignment; 409 when the host kernel cannot bind vfio-pci (POWER 5.19-6.3)',
  })
  async bind(
    @Param('hostId') hostId: string,
    @Param('bdf') bdf: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    return commandResponse(res, await sendFor(this.gateway, req, 'BindFunction', hostId, { bdf }), 200);
  }

  @Delete(':hostId/functions/:bdf/vfio')
  @Roles('provisioner', 'operator')
  @ApiOperation({ summary: 'Unbind a function from vfio-pci; 409 while assigned' })
  async unbind(
    @Param('hostId') hostId: string,
    @Param('bdf') bdf: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.refuseWhileAssigned(hostId, bdf, 'unbound');
    return commandResponse(res, await sendFor(this.gateway, req, 'UnbindFunction', hostId, { bdf }), 200);
  }

  /**
   * A quick answer from the read model. For RemoveFunction it is the second line: pe-registry
   * itself refuses to remove a function of a PE a VM holds (it learns the holds from guest.events).
   */
  private async refuseWhileAssigned(hostId: string, bdf: string, what: string): Promise<void> {
    const [p] = await this.reads.projections(hostId);
    const holder = p?.guest.holders.get(bdf.toLowerCase());
    if (holder)
      throw new BarplaneError(
        'CONFLICT',
        `${bdf} cannot be ${what}: its PE ${holder.peId} is given to VM ${holder.vmId}`,
      );
  }
}
