import { createServer } from 'node:net';
import { Client } from 'pg';
import { CommandSender, waitFor } from '../../libs/owner-service/src/testing/owner-test-kit';
import { ControlPlane, startControlPlane } from '../e2e/control-plane-harness';
import { RunningApi, startApi } from './api-harness';

// /health against the real control plane (three owners, the projector, the API; real Kafka and
// PostgreSQL): 200 with every component up, 503 naming what is not and why. Statuses and
// names are asserted, never times.
jest.setTimeout(120_000);

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
const SERVICES = ['pe-registry', 'vfio-regions', 'guest-memory', 'projector'];

/** A port nothing listens on (taken from the OS, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GET /health: each component, and the truth', () => {
  let cp: ControlPlane;
  let ns: string;
  const schemaOf = (base: string) => `${ns.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}${base}`;
  const health = (api: RunningApi = cp.api) => api.call('GET', '/health', { role: null });
  /** Polls /health until `accept` holds (the heartbeats follow within a beat), then returns that answer. */
  async function healthWhen(what: string, accept: (res: { status: number; body: any }) => boolean) {
    let last: { status: number; body: any } | undefined;
    await waitFor(what, async () => accept((last = await health())), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; last answer ${last?.status} ${JSON.stringify(last?.body)}`);
    });
    return last!;
  }

  beforeAll(async () => {
    cp = await startControlPlane();
    ns = cp.namespace;
  });
  afterAll(() => cp?.stop());

  it('answers 200 with every component up: PostgreSQL, Kafka, and each service with its heartbeat, consumers, outbox and dead letters', async () => {
    const res = await healthWhen('ready', (r) => r.status === 200);
    expect(res.body.status).toBe('ok');
    expect(res.body.error).toEqual({});
    expect(Object.keys(res.body.info).sort()).toEqual(['database', 'kafka', ...SERVICES].sort());
    expect(res.body.info.kafka).toMatchObject({ status: 'up', brokers: expect.any(Number) });
    expect(res.body.info['pe-registry']).toMatchObject({
      status: 'up',
      instances: 1,
      consumers: expect.arrayContaining([{ group: `${ns}pe-registry`, state: 'running' }]),
      outbox: { quarantined: 0 },
    });
    for (const service of SERVICES)
      expect(res.body.info[service].consumers.map((c: { state: string }) => c.state)).toEqual(
        expect.arrayContaining(['running']),
      );
    for (const service of SERVICES)
      expect(res.body.info[service].consumers.every((c: { state: string }) => c.state === 'running')).toBe(true);
    expect(res.body.info.projector).toMatchObject({
      status: 'up',
      instances: 1,
      consumers: [{ group: `${ns}projector`, state: 'running' }],
    });
    expect((await cp.api.call('GET', '/health/ready', { role: null })).status).toBe(200);
    expect(await cp.api.call('GET', '/health/live', { role: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('puts the same figures in /metrics: component up, heartbeat age, outbox, dead letters, consumer lag', async () => {
    // Each service measures its lag and dead letters on its own clock: wait until all of them have.
    await healthWhen('the lag and dead letters measured', (r) =>
      SERVICES.every((service) => r.body.info?.[service]?.kafkaFiguresAgeMs !== undefined),
    );
    const text = (await cp.api.call('GET', '/metrics', { role: null })).text;
    for (const component of ['database', 'kafka', ...SERVICES])
      expect(text).toContain(`barplane_component_up{component="${component}"} 1`);
    for (const service of SERVICES) {
      expect(text).toMatch(new RegExp(`barplane_heartbeat_age_seconds\\{service="${service}"\\} [0-9.e-]+`));
      expect(text).toContain(`barplane_outbox_pending_messages{service="${service}"}`);
      expect(text).toContain(`barplane_outbox_oldest_age_seconds{service="${service}"}`);
    }
    expect(text).toContain(`barplane_dlq_messages{service="pe-registry",topic="${ns}pe.commands.dlq"} 0`);
    expect(text).toMatch(
      new RegExp(
        `barplane_consumer_lag_messages\\{service="projector",group="${ns.replace('.', '\\.')}projector",topic="${ns.replace('.', '\\.')}pe\\.events",partition="0"\\} \\d+`,
      ),
    );
  });

  it('answers 503 naming Kafka when the API cannot reach it (a closed port); liveness stays 200 and commands are refused 503', async () => {
    const port = await closedPort();
    const cut = await startApi({ namespace: ns, kafkaBrokers: `127.0.0.1:${port}` });
    try {
      const res = await health(cut);
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(Object.keys(res.body.error)).toEqual(['kafka']);
      expect(res.body.error.kafka).toEqual({
        status: 'down',
        reason: expect.stringContaining(`Kafka does not answer: 127.0.0.1:${port}`),
      });
      expect(res.body.info.database).toEqual({ status: 'up' });
      for (const service of SERVICES) expect(res.body.info[service].status).toBe('up');
      expect((await cut.call('GET', '/health/live', { role: null })).status).toBe(200);
      // Reads still work; a command cannot be sent.
      expect((await cut.call('GET', '/v1/hosts')).status).toBe(200);
      const command = await cut.call('POST', '/v1/hosts', {
        role: 'provisioner',
        body: { id: 'no-kafka', platform: 'x86_64', pageSize: '0x1000' },
      });
      expect(command.status).toBe(503);
      expect(command.body).toMatchObject({ error: 'UNAVAILABLE', message: expect.stringContaining('Kafka') });
    } finally {
      await cut.close();
    }
  });

  it('answers 503 naming the service whose topic has a dead letter, and the DLQ', async () => {
    const sender = new CommandSender();
    await sender.connect();
    try {
      await sender.sendRaw(`${ns}pe.commands`, 'poison', 'not an envelope');
    } finally {
      await sender.disconnect();
    }
    const res = await healthWhen(
      'the dead letter seen',
      (r) => r.status === 503 && r.body.error?.['pe-registry'] !== undefined,
    );
    expect(res.body.error['pe-registry']).toMatchObject({
      status: 'down',
      reason: `dead letters: ${ns}pe.commands.dlq holds 1 message`,
      deadLetters: { [`${ns}pe.commands.dlq`]: 1 },
    });
    expect(Object.keys(res.body.error)).toEqual(['pe-registry']);
  });

  it('answers 503 naming a service that is not running (stopped: no heartbeat)', async () => {
    const guestMemory = cp.owners.find((o) => o.config.service === 'guest-memory')!;
    await guestMemory.stop();
    const res = await healthWhen('guest-memory gone', (r) => r.body.error?.['guest-memory'] !== undefined);
    expect(res.status).toBe(503);
    expect(res.body.error['guest-memory']).toMatchObject({
      status: 'down',
      reason: 'no heartbeat: the service is not running (never started, or stopped)',
    });
    expect(res.body.info.projector.status).toBe('up');
  });

  it('answers 503 naming a service whose process died without a word (its last heartbeat a minute old)', async () => {
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO "${schemaOf('guest_memory')}".heartbeats (instance_id, service, started_at, beat_at)
         VALUES ('crashed-host/4242/deadbeef', 'guest-memory', now() - interval '5 minutes', now() - interval '1 minute')`,
      );
    } finally {
      await db.end();
    }
    const res = await health();
    expect(res.status).toBe(503);
    expect(res.body.error['guest-memory']).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(
        /^no heartbeat for 60(\.\d)? s \(limit 15 s\): its process crashed-host\/4242\/deadbeef died or hangs$/,
      ),
    });
  });
});
