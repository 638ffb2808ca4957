// Baselines of the pipeline benchmark, measured in the same run on the same broker and database:
// (a) a bare kafkajs consumer reading N messages of the pipeline's message size, (b) bare batched
// INSERTs of N rows into a copy of the event store's events table, (c) the commit latency of a
// one-row transaction (what every serial per-message transaction of the pipeline pays at least).
import { performance } from 'node:perf_hooks';

/**
 * (a) A consumer group joined on an empty 3-partition topic; then N messages of `bytes` are
 * produced (batches of 1,000, acks=-1) and consumed; clock from the first produce to the last
 * message read, the same window as the pipeline's. Consumer settings as BatchConsumerRunner's
 * (maxWaitTimeInMs 200, eachBatch, commit per batch).
 */
export async function kafkaBaseline({ Kafka, logLevel, brokers, topic, groupId, count, bytes, timeoutMs = 60_000 }) {
  const kafka = new Kafka({ clientId: `${groupId}-client`, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let batches = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      batches++;
      seen += batch.messages.length;
      if (seen >= count) done(performance.now());
    },
  });
  await joined;
  const pad = 'x'.repeat(Math.max(0, bytes - 60));
  const t0 = performance.now();
  for (let sent = 0; sent < count; sent += 1000) {
    const n = Math.min(1000, count - sent);
    const messages = Array.from({ length: n }, (_, j) => ({
      key: `bph${(sent + j) % 100}`,
      value: `{"i":${sent + j},"pad":"${pad}"}`,
    }));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  const t1 = await Promise.race([finished, new Promise((resolve) => setTimeout(() => resolve(undefined), timeoutMs))]);
  await consumer.disconnect();
  await producer.disconnect();
  const ms = (t1 ?? performance.now()) - t0;
  return { messages: seen, bytes, ms, perSecond: (seen / ms) * 1000, batches, avgBatch: seen / Math.max(1, batches) };
}

/**
 * (b) N rows into `<schema>.events` (the event store's events columns and constraints), `perInsert`
 * rows per INSERT statement, each statement its own transaction, one connection.
 */
export async function postgresBaseline({ Client, databaseUrl, schema, count, perInsert = 100, data, metadata }) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`
      CREATE TABLE "${schema}".events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text NOT NULL, stream_version bigint NOT NULL CHECK (stream_version >= 1),
        event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, schema_version int NOT NULL DEFAULT 1,
        host_id text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL DEFAULT '{}',
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(), occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT events_stream_version_uq UNIQUE (stream_id, stream_version))`);
    await client.query(`CREATE INDEX ON "${schema}".events (tx_id, global_position)`);
    const dataText = JSON.stringify(data);
    const metaText = JSON.stringify(metadata);
    const { randomUUID } = await import('node:crypto');
    const t0 = performance.now();
    for (let done = 0; done < count; done += perInsert) {
      const n = Math.min(perInsert, count - done);
      const values = [];
      const params = [];
      for (let j = 0; j < n; j++) {
        const k = done + j;
        const b = params.length;
        values.push(
          `($${b + 1}, $${b + 2}::bigint, $${b + 3}, 'GuestBarProgrammed', 1, $${b + 4}, $${b + 5}::jsonb, $${b + 6}::jsonb)`,
        );
        params.push(
          `guests-bph${k % 100}`,
          String(Math.floor(k / 100) + 1),
          randomUUID(),
          `bph${k % 100}`,
          dataText,
          metaText,
        );
      }
      await client.query(
        `INSERT INTO "${schema}".events (stream_id, stream_version, event_id, event_type, schema_version, host_id, data, metadata) VALUES ${values.join(', ')}`,
        params,
      );
    }
    const ms = performance.now() - t0;
    return { rows: count, perInsert, dataBytes: dataText.length + metaText.length, ms, perSecond: (count / ms) * 1000 };
  } finally {
    await client.end();
  }
}

/** (c) `count` one-row INSERT transactions in a row on one connection: the floor of a serial per-message commit. */
export async function commitLatency({ Client, databaseUrl, schema, count = 300 }) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE "${schema}".commits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())`,
    );
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      await client.query('BEGIN');
      await client.query(`INSERT INTO "${schema}".commits DEFAULT VALUES`);
      await client.query('COMMIT');
    }
    const ms = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < count; i++) await client.query('SELECT 1');
    const rtMs = (performance.now() - t1) / count;
    return { transactions: count, msPerTransaction: ms / count, msPerRoundTrip: rtMs };
  } finally {
    await client.end();
  }
}
