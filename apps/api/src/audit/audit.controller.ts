import { BearerController } from '../auth/bearer-controller.decorator';
import { Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { BarplaneError } from '@barplane/contracts';
import { verifyChain } from '@barplane/domain';
import { Roles } from '../auth/roles.decorator';
import { AuditFilter, AuditRow, ReadModels } from '../read-models/read-models';

/** The hash-chained audit log: records with what was decided, from which facts, by whom. */
@BearerController('v1/audit', 'audit')
export class AuditController {
  constructor(private readonly reads: ReadModels) {}

  @Get()
  @Roles('auditor', 'operator')
  @ApiOperation({ summary: 'Audit records, newest last; `Accept: application/x-ndjson` streams JSON Lines' })
  @ApiQuery({ name: 'host', required: false })
  @ApiQuery({ name: 'pe', required: false })
  @ApiQuery({ name: 'vm', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601' })
  async list(@Req() req: Request, @Res() res: Response, @Query() q: Record<string, string>): Promise<void> {
    const filter = auditFilter(q);
    if ((req.headers.accept ?? '').includes('application/x-ndjson')) {
      res.status(200).type('application/x-ndjson');
      let after: { afterHost: string; afterSeq: number } | undefined;
      for (;;) {
        const page = await this.reads.audit({ ...filter, ...after }, 1000);
        for (const row of page) res.write(JSON.stringify(line(row)) + '\n');
        if (page.length < 1000) break;
        after = { afterHost: page.at(-1)!.host_id, afterSeq: page.at(-1)!.seq };
      }
      res.end();
      return;
    }
    const rows = await this.reads.audit(filter, 10_000);
    res.status(200).json(rows.map(line));
  }

  @Get('verify')
  @Roles('auditor', 'operator')
  @ApiOperation({
    summary: 'Walks every host chain: `{ ok: true, records }` or the first record whose hash does not hold',
  })
  async verify() {
    let records = 0;
    for await (const { chain } of this.reads.chains()) {
      const check = verifyChain(chain);
      if (!check.ok)
        return {
          ok: false,
          records: records + check.records,
          failure: { hostId: check.hostId, seq: check.seq, problem: check.problem },
        };
      records += check.records;
    }
    return { ok: true, records };
  }
}

function line(row: AuditRow) {
  return {
    hostId: row.host_id,
    seq: row.seq,
    record: row.record,
    prevHash: row.prev_hash,
    hash: row.hash,
    recordedAt: new Date(row.recorded_at).toISOString(),
    source: row.source_topic
      ? { topic: row.source_topic, partition: row.source_partition, offset: row.source_offset }
      : null,
  };
}

function auditFilter(q: Record<string, string>): AuditFilter {
  const problems: { path: string; message: string }[] = [];
  const date = (name: 'since' | 'until') => {
    if (q[name] === undefined) return undefined;
    const d = new Date(q[name]);
    if (Number.isNaN(d.getTime())) problems.push({ path: name, message: 'must be an ISO 8601 time' });
    return d;
  };
  const filter: AuditFilter = { host: q.host, pe: q.pe, vm: q.vm, since: date('since'), until: date('until') };
  if (problems.length) throw BarplaneError.invalid(problems);
  return filter;
}
