import { type Admin, ConfigResourceTypes } from 'kafkajs';
import type { MessagingClient } from './kafka-from-env';
import { dlqTopicOf } from './topics';

export interface EnsureTopicsOptions {
  partitions?: number;
  /** How long to wait for every partition to have a leader. */
  timeoutMs?: number;
  /**
   * Topics that are a replay source (the owners' event topics, the projector's applied-order
   * log: a rebuild reads them from the start), kept for ever: created with retention.ms=-1,
   * and set to it when they exist with a retention (the broker's default is 7 days). Their
   * dead-letter topics keep the default.
   */
  keepForever?: readonly string[];
}

const FOREVER = '-1';

/**
 * Creates each topic and its `<topic>.dlq` when missing, then waits until every partition has
 * a leader. Idempotent: safe to run at every start-up and from several processes at once.
 * Topics are pre-created (not auto-created) because racing auto-creation makes producers and
 * consumers retry on "There is no leader for this topic-partition".
 */
export async function ensureTopics(
  kafka: MessagingClient,
  topics: readonly string[],
  { partitions = 3, timeoutMs = 30_000, keepForever = [] }: EnsureTopicsOptions = {},
): Promise<void> {
  const wanted = [...new Set([...topics, ...keepForever].flatMap((topic) => [topic, dlqTopicOf(topic)]))];
  const forever = new Set(keepForever);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      // kafkajs's own leader wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
      // answers while a new topic's metadata propagates (seen when several services start at
      // once): create only, then wait below, retrying until the deadline.
      await admin
        .createTopics({
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: forever.has(topic) ? [{ name: 'retention.ms', value: FOREVER }] : [],
          })),
          waitForLeaders: false,
          timeout: timeoutMs,
        })
        .catch((error: unknown) => {
          if (!createdElsewhere(error)) throw error;
        });
    }
    await waitForLeaders(admin, wanted, timeoutMs);
    // Topics created above carry the setting already; only older ones may lack it.
    const older = [...forever].filter((topic) => existing.has(topic));
    if (older.length > 0) await keepTopicsForever(admin, older, timeoutMs);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Sets retention.ms=-1 on those of `topics` that have another retention (e.g. made by an older
 * version), and waits until the broker reports it: a KRaft broker applies a config change from
 * the metadata log a moment after the controller accepted it.
 */
async function keepTopicsForever(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let altered = false;
  for (;;) {
    const short = await notKeptForever(admin, topics);
    if (short.length === 0) return;
    if (Date.now() > deadline) throw new Error(`retention.ms of ${short.join(', ')} is not -1 after ${timeoutMs} ms`);
    if (!altered) {
      // AlterConfigs replaces a topic's dynamic configs: retention.ms is the only one these carry.
      await admin.alterConfigs({
        validateOnly: false,
        resources: short.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configEntries: [{ name: 'retention.ms', value: FOREVER }],
        })),
      });
      altered = true;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function notKeptForever(admin: Admin, topics: string[]): Promise<string[]> {
  const { resources } = await admin.describeConfigs({
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
    includeSynonyms: false,
  });
  return resources
    .filter((r) => r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue !== FOREVER)
    .map((r) => r.resourceName);
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      // Metadata of a just-created topic may not have propagated yet: retry until the deadline.
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) throw new Error(`timed out waiting for leaders of ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Another process created some of the topics first: every error of the answer says so. */
function createdElsewhere(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
}
