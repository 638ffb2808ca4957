// A benchmark's own control plane: every service from dist/ as its own process (as `npm start`
// runs them) in a fresh BARPLANE_NAMESPACE, with the Kafka and PostgreSQL clients a benchmark
// needs, and the clean-up of that namespace's schemas, topics and groups at the end.
// Used by pipeline.mjs, fleet.mjs and rebuild.mjs.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startServices, waitForHealth } from '../control-plane/processes.mjs';
import { writeTokens } from '../control-plane/tokens.mjs';
import { messagesOf } from './pipeline-fleet.mjs';

export const root = join(import.meta.dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));

/**
 * Opens a namespace and starts the services in it; `env` adds to their environment (a CPU
 * profile preload, say). Close it with `close({ keep })`.
 */
export async function openNamespace({ env = {}, log = () => undefined, profile = false } = {}) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const { Kafka, logLevel } = require('kafkajs');
  // The bench's own clients too, as the services' (libs/messaging): kafkajs 2.2.4 wakes each idle
  // connection every millisecond, CPU the measured services would share this machine with.
  require(join(root, 'dist/libs/messaging/src/request-queue-idle.js')).stopRequestQueueIdleLoop();
  const { Client } = require('pg');
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane';
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const ns = `bp${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`;
  const prefix = ns.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const schemas = { guest: `"${prefix}guest_memory"`, projector: `"${prefix}projector"`, bench: `${prefix}bench` };
  const tokensFile = join(root, '.cache', 'bench', `tokens-${prefix}json`);
  // --profile: each service writes a CPU profile here when it stops (pipeline-profile.mjs reads them).
  const profileDir = profile ? join(root, '.cache', 'bench', 'profiles', prefix.replace(/_$/, '')) : undefined;
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;

  const kafka = new Kafka({ clientId: `${ns}bench`, brokers, logLevel: logLevel.WARN });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  const count = async (sql, params) => {
    try {
      return Number((await q(sql, params))[0].n);
    } catch (error) {
      if (error.code === '42P01') return 0; // not migrated yet
      throw error;
    }
  };
  const tokens = writeTokens(tokensFile);
  const services = startServices(
    root,
    {
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: databaseUrl,
      BARPLANE_NAMESPACE: ns,
      BARPLANE_TOKENS_FILE: tokensFile,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...(profileDir
        ? {
            NODE_OPTIONS: `--require ${join(import.meta.dirname, 'cpu-profile-preload.cjs')}`,
            BARPLANE_CPU_PROFILE_DIR: profileDir,
          }
        : {}),
      ...env,
    },
    { quiet: true },
  );
  // The last lines each service wrote to stderr: why a run fell short.
  const tails = {};
  for (const { name, child } of services.children) {
    tails[name] = [];
    child.stderr.on('data', (chunk) => {
      tails[name].push(...String(chunk).split('\n').filter(Boolean));
      tails[name].splice(0, Math.max(0, tails[name].length - 20));
    });
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const statusCount = () => count(`SELECT count(*) AS n FROM ${schemas.projector}.command_status`);
  const run = {
    ns,
    prefix,
    schemas,
    apiUrl,
    tokens,
    databaseUrl,
    brokers,
    kafka,
    Kafka,
    logLevel,
    Client,
    db,
    q,
    count,
    services,
    log,
    statusCount,
    profileDir,
    /** Service name by process id (of the processes running now: profiles are named by pid). */
    pidNames: () => Object.fromEntries(services.children.map(({ name, child }) => [String(child.pid), name])),
    /**
     * Command envelopes to `<ns><topic>`, keyed by host, in requests of at most 1,000 messages
     * and 512 KB (the broker refuses a batch above its 1 MB message size: 1,000 topologies of
     * 50 functions are about 10 MB).
     */
    async produce(topic, envelopes) {
      const messages = messagesOf(envelopes);
      for (let i = 0; i < messages.length;) {
        let bytes = 0;
        let end = i;
        while (
          end < messages.length &&
          end - i < 1000 &&
          (end === i || bytes + messages[end].value.length <= 512 * 1024)
        )
          bytes += messages[end++].value.length;
        await producer.sendBatch({
          acks: -1,
          topicMessages: [{ topic: ns + topic, messages: messages.slice(i, end) }],
        });
        i = end;
      }
    },
    /** Until the projector has recorded `n` command answers in all. */
    async waitStatuses(n, what, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await statusCount()) < n) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what} (${await statusCount()}/${n} answers)`);
        await sleep(100);
      }
    },
    /** Until the projector's inbox stops growing (the vfio bindings follow PeAssigned asynchronously). */
    async quiesce(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = -1;
      for (let stable = 0; stable < 3 && Date.now() < deadline;) {
        const n = await count(`SELECT count(*) AS n FROM ${schemas.projector}.inbox`);
        stable = n === last ? stable + 1 : 0;
        last = n;
        await sleep(400);
      }
    },
    /**
     * Until guest-memory has read pe.events to its end: it learns the PEs from there, and
     * refuses to assign one it has not read yet.
     */
    async factsCaughtUp(timeoutMs = 120_000) {
      const [groupId, topic] = [`${ns}guest-memory-facts`, `${ns}pe.events`];
      const admin = kafka.admin();
      await admin.connect();
      try {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        for (const deadline = Date.now() + timeoutMs; ;) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          if (committed.partitions.every((p) => Number(p.offset) >= ends.get(p.partition))) return;
          if (Date.now() > deadline) throw new Error(`${groupId} has not read ${topic} to its end`);
          await sleep(100);
        }
      } finally {
        await admin.disconnect();
      }
    },
    /** Fails with the first few messages of commands the projector recorded as not applied. */
    async expectAllApplied(what) {
      const table = `${schemas.projector}.command_status`;
      const rejected = await count(`SELECT count(*) AS n FROM ${table} WHERE status <> 'applied'`);
      if (rejected === 0) return;
      const sample = await q(`SELECT answer->'data'->>'message' AS m FROM ${table} WHERE status <> 'applied' LIMIT 3`);
      throw new Error(`${rejected} ${what} commands were not applied: ${sample.map((r) => r.m).join(' | ')}`);
    },
    /** Resident and peak memory of each service process (MB), from /proc. */
    memory() {
      return Object.fromEntries(services.children.map(({ name, child }) => [name, processMemoryMb(child.pid)]));
    },
    printTails() {
      for (const [name, lines] of Object.entries(tails))
        if (lines.length) console.error(`[${name}] ${lines.slice(-5).join('\n[' + name + '] ')}`);
    },
    async close({ keep = false } = {}) {
      await producer.disconnect().catch(() => undefined);
      await services.stop();
      if (keep) log(`kept namespace ${ns} (schemas ${prefix}*, topics ${ns}*)`);
      else await cleanUp(kafka, q, ns, prefix).catch((e) => console.warn(`bench: clean-up: ${e.message}`));
      await db.end();
      rmSync(tokensFile, { force: true });
    },
  };
  try {
    await waitForHealth(apiUrl, 90_000);
    await producer.connect();
  } catch (error) {
    run.printTails();
    await run.close();
    throw error;
  }
  return run;
}

/** VmRSS and VmHWM (peak) of a process in MB; zeros once it is gone. */
export function processMemoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Drops every schema, topic and consumer group of the namespace (they all start with it). */
async function cleanUp(kafka, q, ns, prefix) {
  const schemas = await q(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, [prefix]);
  for (const { nspname } of schemas) await q(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 15_000 }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ns));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
