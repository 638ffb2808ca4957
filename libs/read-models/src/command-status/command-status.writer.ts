import { EntityManager } from 'typeorm';
import { Envelope, commandNoticeOf } from '@barplane/contracts';
import { qualified, runSql } from '@barplane/eventstore';
import { JSON_TEXTS, jsonTexts } from '../sql/json-texts';

export interface CommandAnswer {
  readonly hostId: string;
  readonly status: string;
  readonly answer: Envelope;
}

/**
 * command_status, by command id, and one NOTIFY on `channel` per answered command (sent at
 * commit); no NOTIFY when `channel` is null (a rebuild: those commands were answered long ago).
 */
export async function writeCommandAnswers(
  em: EntityManager,
  schema: string,
  channel: string | null,
  answers: ReadonlyMap<string, CommandAnswer>,
): Promise<void> {
  if (answers.size === 0) return;
  const ids = [...answers.keys()];
  const texts = ids.map((id) => JSON.stringify(answers.get(id)!.answer));
  const upsert = `INSERT INTO ${qualified(schema, 'command_status')} (command_id, host_id, status, answer)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], ${JSON_TEXTS('$4')}::json[])
       ON CONFLICT (command_id) DO UPDATE SET status = EXCLUDED.status, answer = EXCLUDED.answer, updated_at = now()`;
  const rows = [
    ids,
    ids.map((id) => answers.get(id)!.hostId),
    ids.map((id) => answers.get(id)!.status),
    jsonTexts(texts),
  ];
  if (channel === null) {
    await runSql(em, upsert, rows);
    return;
  }
  await runSql(
    em,
    `WITH written AS (${upsert} RETURNING 1)
     SELECT pg_notify($5, n) FROM unnest(${JSON_TEXTS('$6')}) AS n`,
    [...rows, channel, jsonTexts(ids.map((id, i) => commandNoticeOf(id, answers.get(id)!.status, texts[i])))],
  );
}
