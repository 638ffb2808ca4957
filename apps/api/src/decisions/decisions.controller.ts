import { BearerController } from '../auth/bearer-controller.decorator';
import { Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { BarplaneError } from '@barplane/contracts';
import { MAPPING_MODES } from '@barplane/domain';
import { Roles } from '../auth/roles.decorator';
import { decisionView } from '../fleet/host-views';
import { ReadModels } from '../read-models/read-models';
import { DecisionStream, streamed } from './decision-stream';

@BearerController('v1/decisions', 'decisions')
export class DecisionsController {
  constructor(
    private readonly reads: ReadModels,
    private readonly stream: DecisionStream,
  ) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Current BAR decisions in the `bars` shape of a plan, with decidedAt, ruleSet and auditId' })
  @ApiQuery({ name: 'host', required: false })
  @ApiQuery({ name: 'pe', required: false })
  @ApiQuery({ name: 'vm', required: false })
  @ApiQuery({ name: 'mode', required: false, enum: MAPPING_MODES })
  async list(
    @Query('host') host?: string,
    @Query('pe') pe?: string,
    @Query('vm') vm?: string,
    @Query('mode') mode?: string,
  ) {
    if (mode !== undefined && !(MAPPING_MODES as readonly string[]).includes(mode)) {
      throw BarplaneError.invalid([{ path: 'mode', message: `must be one of ${MAPPING_MODES.join(', ')}` }]);
    }
    const rows = await this.reads.decisions({ host, pe, vm, kind: 'bar' });
    return rows.filter((r) => !mode || r.outcome.mode === mode).map((r) => decisionView(r));
  }

  @Get('stream')
  @Roles('viewer')
  @ApiOperation({
    summary: 'Server-Sent Events: one event per new or changed decision; Last-Event-ID (`<host>/<seq>`) resumes',
  })
  async sse(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (d: { id: string; data: unknown }) =>
      res.write(`id: ${d.id}\nevent: decision\ndata: ${JSON.stringify(d.data)}\n\n`);
    const unsubscribe = this.stream.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    const last = String(req.headers['last-event-id'] ?? '');
    const m = /^(.*)\/(\d+)$/.exec(last);
    if (m) {
      const from = await this.reads.auditRecord(m[1], Number(m[2]));
      if (from) {
        for (const row of await this.reads.auditAfter({
          recordedAt: from.recorded_at,
          hostId: from.host_id,
          seq: from.seq,
        }))
          send(streamed(row.record));
      }
    }
    res.write(': ready\n\n');
  }
}
