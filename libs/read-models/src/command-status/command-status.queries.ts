import { qualified } from '@barplane/eventstore';
import { ReadQuery } from '../sql/read-query';

export interface CommandStatusRow {
  status: string;
  answer: Record<string, unknown>;
}

/** The answer the projector recorded for a command, if any yet. */
export async function commandStatusRow(
  read: ReadQuery,
  schema: string,
  commandId: string,
): Promise<CommandStatusRow | undefined> {
  const rows = await read<CommandStatusRow>(
    `SELECT status, answer FROM ${qualified(schema, 'command_status')} WHERE command_id = $1`,
    [commandId],
  );
  return rows[0];
}
