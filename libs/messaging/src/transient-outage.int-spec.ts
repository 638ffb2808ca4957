import { Pool } from 'pg';
import { keyedMessages, payloadOf, uniqueName, useBroker, waitFor } from './testing/kafka-test-kit';
import { deadLettersOf, seededTopic, startRunner } from './testing/runner-kit';
import { TcpSwitch } from './testing/tcp-switch';

jest.setTimeout(90_000);

// Issue 10, item 1: a PostgreSQL outage longer than the bounded retries (3 tries in about a
// second before) dead-lettered good messages. Now the consumer waits the outage out.
describe('a database outage (real broker, real PostgreSQL behind a switch)', () => {
  const broker = useBroker('messaging-test-outage');
  const { publisher } = broker;
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane');
  const pgSwitch = new TcpSwitch({ host: url.hostname, port: Number(url.port || 5432) });
  let pool: Pool;
  const table = uniqueName('outage').replace(/[^a-z0-9_]/gi, '_');

  beforeAll(async () => {
    const port = await pgSwitch.start();
    pool = new Pool({
      host: '127.0.0.1',
      port,
      user: url.username || 'postgres',
      database: url.pathname.slice(1),
      connectionTimeoutMillis: 500,
    });
    pool.on('error', () => undefined);
    await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
  });
  afterAll(async () => {
    pgSwitch.restore();
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.end();
    await pgSwitch.stop();
  });

  it('handles every message once after an outage of several seconds, and dead-letters none', async () => {
    const { topic, groupId } = await seededTopic(broker, 'outage');
    const retries = { initialBackoffMs: 20, maxBackoffMs: 40, maxTransientBackoffMs: 500 };
    const [, dlq] = await Promise.all([
      startRunner(broker, { groupId, topics: [topic], fromBeginning: true, retries }, async (messages) => {
        const values = messages.map((m) => payloadOf(m).id);
        await pool.query(`INSERT INTO ${table} (id) SELECT unnest($1::int[])`, [values]);
      }),
      deadLettersOf(broker, topic),
    ]);

    await publisher.publish(keyedMessages(topic, 50, 3));
    await waitFor(
      'the first 50 stored',
      async () => Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count) === 50,
    );

    pgSwitch.cut();
    await publisher.publish(keyedMessages(topic, 50, 3, 50));
    // Far longer than the bounded retries (3 tries within ~100 ms here) would have waited.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    pgSwitch.restore();

    await waitFor(
      'all 100 stored',
      async () => Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count) === 100,
    );
    // Give a dead letter, had there been one, time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(dlq).toEqual([]);
  });
});
