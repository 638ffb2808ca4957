// Local infrastructure for dev, tests and CI: Kafka + PostgreSQL, reused when already running,
// started (and later stopped) by us otherwise. CLI wrapper: scripts/infra.mjs.
import {
  isOurKafka,
  kafkaAnswers,
  kafkaBrokers,
  KAFKA_VERSION,
  startKafka,
  stopKafka,
  waitForKafka,
} from './kafka.mjs';
import {
  databaseUrl,
  embeddedPid,
  embeddedUrl,
  ensureDatabase,
  postgresAnswers,
  startEmbedded,
  stopEmbedded,
} from './postgres.mjs';
import { readRecord, removeRecord, writeRecord } from './state.mjs';

const logger = (quiet) => (quiet ? () => {} : (msg) => console.log(msg));

async function upKafka(rec, log) {
  const brokers = kafkaBrokers();
  // A broker we started earlier may still be booting: wait for it instead of starting a second one.
  if (rec.kafka?.startedByUs && rec.kafka.brokers === brokers && isOurKafka(rec.kafka.pid)) {
    await waitForKafka(brokers, rec.kafka.pid);
    log(`kafka: already running (pid ${rec.kafka.pid}, started by us)`);
    return rec.kafka;
  }
  if (await kafkaAnswers(brokers)) {
    log(`kafka: using running broker at ${brokers}`);
    return { brokers, startedByUs: false };
  }
  const pid = await startKafka(brokers, log);
  log(`kafka: ready (pid ${pid})`);
  return { brokers, startedByUs: true, pid, version: KAFKA_VERSION };
}

async function upPostgres(rec, log) {
  if (rec.postgres?.startedByUs && embeddedPid() && (await ensureDatabase(rec.postgres.url, log))) {
    log(`postgres: embedded server already running (pid ${embeddedPid()}, started by us)`);
    return rec.postgres;
  }
  const url = databaseUrl();
  if (await ensureDatabase(url, log)) {
    log(`postgres: using running server for ${redact(url)}`);
    return { url, startedByUs: false };
  }
  const eUrl = embeddedUrl();
  const pid = embeddedPid() ?? (await startEmbedded(eUrl, log));
  if (!(await ensureDatabase(eUrl, log))) throw new Error(`embedded postgres does not answer on ${redact(eUrl)}`);
  log(`postgres: embedded server ready (pid ${pid})`);
  return { url: eUrl, startedByUs: true, pid };
}

/** Brings Kafka and PostgreSQL up (idempotent); returns the addresses to use. */
export async function up({ quiet = false } = {}) {
  const log = logger(quiet);
  const rec = readRecord();
  // Record after each component so a failure in the second still lets `down` stop the first.
  rec.kafka = await upKafka(rec, log);
  writeRecord(rec);
  rec.postgres = await upPostgres(rec, log);
  writeRecord(rec);
  const result = { kafkaBrokers: rec.kafka.brokers, databaseUrl: rec.postgres.url };
  log(`KAFKA_BROKERS=${result.kafkaBrokers}`);
  log(`DATABASE_URL=${result.databaseUrl}`);
  return result;
}

/** Stops only what `up` started, then forgets the record. */
export async function down({ quiet = false } = {}) {
  const log = logger(quiet);
  const rec = readRecord();
  if (rec.kafka?.startedByUs) await stopKafka(rec.kafka.pid, log);
  if (rec.postgres?.startedByUs) stopEmbedded(log);
  removeRecord();
  log('infra: down');
}

/** One line per component; returns the same facts as an object. */
export async function status({ quiet = false } = {}) {
  const log = logger(quiet);
  const rec = readRecord();
  const brokers = rec.kafka?.brokers ?? kafkaBrokers();
  const url = rec.postgres?.url ?? databaseUrl();
  const kafka = {
    address: brokers,
    running: await kafkaAnswers(brokers),
    startedByUs: Boolean(rec.kafka?.startedByUs),
  };
  const postgres = {
    address: redact(url),
    running: await postgresAnswers(url),
    startedByUs: Boolean(rec.postgres?.startedByUs),
  };
  const who = (c, pid) =>
    c.startedByUs ? `started by us${pid ? `, pid ${pid}` : ''}` : c.running ? 'external' : 'not started by us';
  log(`kafka     ${kafka.running ? 'running' : 'stopped'}  ${kafka.address}  (${who(kafka, rec.kafka?.pid)})`);
  log(`postgres  ${postgres.running ? 'running' : 'stopped'}  ${postgres.address}  (${who(postgres, embeddedPid())})`);
  return { kafka, postgres };
}

// Never print a password that DATABASE_URL may carry.
function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
