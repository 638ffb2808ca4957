import { Envelope, parseEnvelope } from '@barplane/contracts';
import { OutboxRelay, runSql } from '@barplane/eventstore';
import { ConsumedMessage, MessagePublisher, MessagingClient, readTopics } from '@barplane/messaging';
import { DataSource } from 'typeorm';
import { appliedEntriesOf } from '../applied-log/applied-log';
import { readModelNames } from '../read-model-names';
import { PROJECTOR_READ_TABLES } from '../schema/projector-tables.migration';
import { BatchProjector } from './batch-projector';

export interface RebuildProgress {
  readonly applied: number;
  readonly total: number;
}

/**
 * Wipes the projector's read models and applies every event of the owners' topics again, in
 * the order the live projector applied them (its `projector.applied` log), then any events it
 * never applied by commit time, topic and stream version, then the command answers. Publishes
 * nothing: the decisions were published when first made. Run it with the live projector stopped.
 */
export async function rebuildProjector(
  db: DataSource,
  kafka: MessagingClient,
  namespace: string,
  onProgress: (p: RebuildProgress) => void = () => undefined,
): Promise<RebuildProgress> {
  const names = readModelNames(namespace);
  await drainOutbox(db, kafka, names.schema);
  await db.transaction(async (em) => {
    await runSql(em, `TRUNCATE ${PROJECTOR_READ_TABLES.map((t) => `"${names.schema}"."${t}"`).join(', ')}`);
  });
  const messages = await readTopics(kafka, names.factTopics);
  const applied = (await readTopics(kafka, [names.appliedTopic])).flatMap((m) => appliedEntriesOf(m.value));
  const ordered = replayOrder(
    messages,
    applied.map((a) => a.eventId),
    names.topicName,
  );
  // In chunks of the replay order, each in one transaction: the same effects as one at a time.
  const projector = new BatchProjector(db, names);
  let done = 0;
  for (let i = 0; i < ordered.length; i += REBUILD_CHUNK) {
    const chunk = ordered.slice(i, i + REBUILD_CHUNK);
    await projector.applyBatch(
      chunk.map(({ envelope, message }) => ({
        envelope,
        source: { topic: names.topicName(message.topic), partition: message.partition, offset: message.offset },
      })),
      { publish: false },
    );
    const before = done;
    done += chunk.length;
    if (Math.floor(done / 100) > Math.floor(before / 100) || done === ordered.length)
      onProgress({ applied: done, total: ordered.length });
  }
  return { applied: done, total: ordered.length };
}

const REBUILD_CHUNK = 500;

const TOPIC_RANK: Record<string, number> = { 'pe.events': 0, 'guest.events': 1, 'vfio.events': 2 };

type Entry = { envelope: Envelope; message: ConsumedMessage };

export function replayOrder(
  messages: readonly ConsumedMessage[],
  appliedOrder: readonly string[],
  topicName: (t: string) => string,
): Entry[] {
  const byId = new Map<string, Entry>();
  for (const message of messages) {
    const envelope = parseEnvelope(message.value);
    if (envelope && !byId.has(envelope.id)) byId.set(envelope.id, { envelope, message });
  }
  const ordered: Entry[] = [];
  for (const id of appliedOrder) {
    const entry = byId.get(id);
    if (!entry) continue;
    ordered.push(entry);
    byId.delete(id);
  }
  const key = (e: Entry) => e.envelope.occurredAt ?? '\uffff';
  const rest = [...byId.values()].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ta = TOPIC_RANK[topicName(a.message.topic)] ?? 9;
    const tb = TOPIC_RANK[topicName(b.message.topic)] ?? 9;
    if (ta !== tb) return ta - tb;
    const va = BigInt(a.envelope.streamVersion ?? a.message.offset);
    const vb = BigInt(b.envelope.streamVersion ?? b.message.offset);
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  return [...ordered, ...rest];
}

/** Publishes what the stopped projector left in its outbox: the applied-order log must be whole. */
async function drainOutbox(db: DataSource, kafka: MessagingClient, schema: string): Promise<void> {
  const publisher = new MessagePublisher(kafka);
  await publisher.connect();
  try {
    const relay = new OutboxRelay(db, {
      schema,
      listen: false,
      publish: (messages) => publisher.publish(messages),
    });
    while ((await relay.drainOnce()) > 0);
    await relay.stop();
  } finally {
    await publisher.disconnect();
  }
}
