import { Response } from 'express';
import { BarplaneError, errorCodeOf } from '@barplane/contracts';
import { Problem } from '@barplane/domain';
import { CommandReply } from './command-gateway';

export interface AppliedBody {
  correlationId: string;
  commandId: string;
  status: 'applied';
  streamVersion?: string;
  events: { id: string; type: string; data?: unknown }[];
  [extra: string]: unknown;
}

/**
 * The HTTP answer of a command: 201/200 with what was applied, the owner's rejection as the
 * error it names (400, 404, 409), 409 for a stale version, 202 with a status URL when the
 * wait ran out. `extra` adds the resource view to a success.
 */
export function commandResponse(
  res: Response,
  outcome: CommandReply,
  successStatus: 200 | 201,
  extra: Record<string, unknown> = {},
): AppliedBody | Record<string, unknown> {
  res.setHeader('X-Correlation-Id', outcome.correlationId);
  if (outcome.status === 'pending') {
    res.status(202).setHeader('Location', `/v1/commands/${outcome.commandId}`);
    return {
      correlationId: outcome.correlationId,
      commandId: outcome.commandId,
      status: 'pending',
      statusUrl: `/v1/commands/${outcome.commandId}`,
    };
  }
  const data = outcome.answer.data as Record<string, unknown>;
  if (outcome.status === 'rejected') {
    throw new BarplaneError(errorCodeOf(data.code), String(data.message), (data.problems as Problem[]) ?? []);
  }
  if (outcome.status === 'conflict') {
    throw new BarplaneError(
      'CONFLICT',
      `stale version: expected ${data.expectedVersion}, the stream is at ${data.actualVersion}`,
    );
  }
  res.status(successStatus);
  const events =
    (data.events as AppliedBody['events'] | undefined) ??
    ((data.eventIds as string[]) ?? []).map((id) => ({ id, type: 'unknown' }));
  return {
    correlationId: outcome.correlationId,
    commandId: outcome.commandId,
    status: 'applied',
    streamVersion: data.streamVersion as string,
    events,
    ...extra,
  };
}
