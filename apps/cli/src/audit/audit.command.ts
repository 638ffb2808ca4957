import { Command, Option } from 'commander';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { ApiClient, ApiOptions, CliFailure, withApiOptions } from '../api/api-client';
import { EXIT_STATUS_HELP } from '../api/exit-status';
import { Io, OutputFormat, STDIO, formatOption, json, overrideExits, runCommand } from '../format/output';
import { AUDIT_CSV_HEADER, AuditLine, auditCsvRow } from './audit-csv';

type ExportOptions = ApiOptions & { since?: string; host?: string; format: 'jsonl' | 'csv' };

/** Writes with backpressure: a slow pipe (| gzip) never buffers the whole log. */
function write(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((resolve) => out.once('drain', () => resolve()));
}

/** Streams `GET /v1/audit` (JSON Lines) to stdout as JSON Lines or CSV; answers how many records. */
export async function exportAudit(opts: ExportOptions, io: Io = STDIO): Promise<number> {
  if (opts.since !== undefined && Number.isNaN(new Date(opts.since).getTime()))
    throw new CliFailure(`--since ${opts.since}: not an ISO 8601 time`, EXIT_STATUS.invalid);
  const api = ApiClient.from(opts);
  const query = new URLSearchParams();
  if (opts.since !== undefined) query.set('since', opts.since);
  if (opts.host !== undefined) query.set('host', opts.host);
  const res = await api.stream(`/v1/audit${query.size ? `?${query}` : ''}`, 'application/x-ndjson');
  if (opts.format === 'csv') await write(io.out, AUDIT_CSV_HEADER.join(',') + '\n');
  let records = 0;
  let rest = '';
  const decoder = new TextDecoder();
  const emit = async (line: string) => {
    if (!line.trim()) return;
    records++;
    if (opts.format === 'jsonl') return write(io.out, line + '\n');
    let parsed: AuditLine;
    try {
      parsed = JSON.parse(line) as AuditLine;
    } catch {
      throw new CliFailure(`the API sent a line that is not JSON (record ${records})`, EXIT_STATUS.failure);
    }
    return write(io.out, auditCsvRow(parsed) + '\n');
  };
  if (res.body) {
    for await (const chunk of res.body) {
      rest += decoder.decode(chunk as Uint8Array, { stream: true });
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) await emit(line);
    }
  }
  await emit(rest + decoder.decode());
  return records;
}

interface VerifyAnswer {
  ok: boolean;
  records: number;
  failure?: { hostId: string; seq: number; problem: string };
}

export async function verifyAudit(opts: ApiOptions & { format: OutputFormat }, io: Io = STDIO): Promise<ExitStatus> {
  const answer = await ApiClient.from(opts).get<VerifyAnswer>('/v1/audit/verify');
  if (opts.format === 'json') io.out.write(json(answer));
  if (answer.ok) {
    if (opts.format === 'table') io.out.write(`audit chains ok: ${answer.records} records verified\n`);
    return EXIT_STATUS.ok;
  }
  const f = answer.failure;
  io.err.write(
    `barplane audit verify: the chain does not hold at host ${f?.hostId ?? '?'} seq ${f?.seq ?? '?'}: ${f?.problem ?? 'unknown problem'} (${answer.records} records checked)\n`,
  );
  return EXIT_STATUS.failure;
}

export function auditCommand(): Command {
  const exportCmd = withApiOptions(
    new Command('export')
      .description('stream the audit records (GET /v1/audit, JSON Lines), newest last, as JSON Lines or CSV')
      .option('--since <iso>', 'only records from this time on (ISO 8601)')
      .option('--host <host>', 'only records of this host')
      .addOption(
        new Option(
          '--format <format>',
          'jsonl: one API record per line; csv: header line then hostId,seq,recordedAt,subject,vmId,mode,reasons,principal,correlationId,hash',
        )
          .choices(['jsonl', 'csv'])
          .default('jsonl'),
      ),
  ).action((opts: ExportOptions) =>
    runCommand('audit export', async () => {
      await exportAudit(opts);
      return EXIT_STATUS.ok;
    }),
  );
  const verifyCmd = withApiOptions(
    new Command('verify')
      .description(
        'walk every host hash chain (GET /v1/audit/verify); exit 0 when every record holds, 1 naming the first host and seq that does not',
      )
      .addOption(formatOption()),
  ).action((opts: ApiOptions & { format: OutputFormat }) => runCommand('audit verify', () => verifyAudit(opts)));
  // Nested: main() sets exitOverride on top-level commands only.
  return overrideExits(
    new Command('audit')
      .description('the hash-chained audit log: export it, verify it (auditor or operator token)')
      .addCommand(exportCmd)
      .addCommand(verifyCmd)
      .addHelpText('after', EXIT_STATUS_HELP),
  );
}
