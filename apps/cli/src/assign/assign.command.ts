import { Command } from 'commander';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { ApiClient, ApiOptions, CliFailure, seg } from '../api/api-client';
import { apiCommand } from '../api/api-command';
import { Io, OutputFormat, STDIO, json } from '../format/output';

interface CommandAnswer {
  correlationId: string;
  commandId: string;
  status: 'applied' | 'pending';
  statusUrl?: string;
  events?: { id: string; type: string; data?: { vmId?: string; peId?: string; functions?: string[] } }[];
}

export async function runAssign(
  vmId: string,
  peId: string,
  opts: ApiOptions & { format: OutputFormat },
  io: Io = STDIO,
): Promise<ExitStatus> {
  const api = ApiClient.from(opts);
  let answer: { status: number; body: CommandAnswer };
  try {
    answer = await api.json<CommandAnswer>('POST', `/v1/vms/${seg(vmId)}/assignments`, { peId });
  } catch (error) {
    if (error instanceof CliFailure && error.httpStatus === 409 && error.body) {
      // The owner names each sibling function held by another VM, one problem each.
      const siblings = error.body.problems.map((p) => p.message);
      if (opts.format === 'json')
        io.out.write(
          json({
            assigned: false,
            vmId,
            peId,
            error: error.body.error,
            message: error.body.message,
            siblings,
            correlationId: error.body.correlationId,
          }),
        );
      io.err.write(`barplane assign: PE ${peId} cannot go to VM ${vmId} whole; sibling functions held elsewhere:\n`);
      for (const s of siblings.length ? siblings : [error.body.message]) io.err.write(`  ${s}\n`);
      return EXIT_STATUS.conflict;
    }
    throw error;
  }
  if (answer.body.status === 'pending') {
    io.err.write(
      `barplane assign: accepted, but the outcome is not known yet; see ${answer.body.statusUrl} (correlation ${answer.body.correlationId})\n`,
    );
    return EXIT_STATUS.failure;
  }
  const functions = answer.body.events?.find((e) => e.type === 'PeAssigned')?.data?.functions ?? [];
  if (opts.format === 'json')
    io.out.write(
      json({
        assigned: true,
        vmId,
        peId,
        functions,
        correlationId: answer.body.correlationId,
        events: answer.body.events ?? [],
      }),
    );
  else
    io.out.write(
      `assigned PE ${peId} to VM ${vmId}${functions.length ? `: ${functions.join(', ')}` : ''} (correlation ${answer.body.correlationId})\n`,
    );
  return EXIT_STATUS.ok;
}

/** What `barplane assign --help` says it does. */
const ASSIGN_HELP =
  'give a PE to a VM, whole (POST /v1/vms/{vm}/assignments); on a conflict, names the sibling functions held by other VMs';

export function assignCommand(): Command {
  return apiCommand('assign', ASSIGN_HELP, (vmId: string, peId: string, opts: ApiOptions & { format: OutputFormat }) =>
    runAssign(vmId, peId, opts),
  )
    .argument('<vm>', 'VM id')
    .argument('<pe>', 'PE id');
}
