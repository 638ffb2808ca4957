// The fault run's own Kafka broker and PostgreSQL server, started fresh in .run/faults so that
// stopping them never touches a developer's infrastructure (scripts/infra) or the machine's
// own PostgreSQL. Same recipes as scripts/infra; other ports, other directories.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurKafka, startKafka } from '../infra/kafka.mjs';
import { embeddedPid, ensureDatabase, startEmbedded, stopEmbedded } from '../infra/postgres.mjs';
import { RUN_DIR, pidAlive, sleep, waitUntil } from '../infra/state.mjs';

export const FAULTS_DIR = join(RUN_DIR, 'faults');

export function faultInfra({ kafkaPort = 19092, postgresPort = 54339, log = console.log } = {}) {
  const kafkaDir = join(FAULTS_DIR, 'kafka');
  const dataDir = join(FAULTS_DIR, 'pg');
  const brokers = `127.0.0.1:${kafkaPort}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:${postgresPort}/barplane`;
  // Kept beside the run's directory, so that a run killed half-way is cleaned up by the next.
  const pidFile = join(RUN_DIR, 'faults-kafka.pid');
  let kafkaPid = readPid(pidFile);

  const kafka = {
    async start() {
      kafkaPid = await startKafka(brokers, log, { runDir: kafkaDir });
      writeFileSync(pidFile, `${kafkaPid}\n`);
    },
    /** SIGKILL: the broker goes away as a crashed or unplugged one does, with no goodbye to its clients. */
    async kill() {
      if (!isOurKafka(kafkaPid)) return;
      process.kill(kafkaPid, 'SIGKILL');
      await waitUntil(() => !pidAlive(kafkaPid), { timeoutMs: 10_000, intervalMs: 100 });
    },
  };
  const postgres = {
    async start() {
      await startEmbedded(databaseUrl, log, { dataDir });
      if (!(await ensureDatabase(databaseUrl, log)))
        throw new Error(`the fault run's PostgreSQL does not answer on port ${postgresPort}`);
    },
    /** pg_ctl stop -m fast: every session is ended, as a restart of the server ends them. */
    stop() {
      stopEmbedded(log, { dataDir });
    },
  };

  return {
    brokers,
    databaseUrl,
    kafka,
    postgres,
    /** Starts both from empty directories: the run's checks see only what this run did. */
    async up() {
      await this.down();
      rmSync(FAULTS_DIR, { recursive: true, force: true });
      await Promise.all([kafka.start(), postgres.start()]);
    },
    async down() {
      await kafka.kill();
      if (embeddedPid({ dataDir })) postgres.stop();
      await sleep(100);
    },
  };
}

function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
