#!/usr/bin/env node
// Rule-set upgrade benchmark: rebuilding the projector from N events (every decision made
// again) against a bare read of the same events from Kafka, in the same run (issue 13, item 5).
// `node scripts/bench/rebuild.mjs [--events 1000000 --runs 3 --hosts 1000 --chunk N --profile --keep]`;
// needs Kafka and PostgreSQL up (`node scripts/infra.mjs up`); builds dist/ when it is stale.
//
// 1. A fleet of --hosts hosts (pipeline-fleet.mjs's kind: two PEs, one VM holding both) made
//    through commands by every service from dist/ in a fresh namespace, one guest BAR flip each;
//    then every service is stopped.
// 2. The rest of the --events produced straight to <ns>guest.events as guest-memory publishes
//    them (a copy of its last GuestBarProgrammed per host: the VM stream's next versions, later
//    commit times, a CommandApplied answer each), each flip changing one decision. The live
//    projector never applied these: the rebuild takes them after its applied-order log.
// 3. --runs times, in turns: (a) bare read: a kafkajs consumer reading every message of the fact
//    topics from the start and JSON.parse-ing each value (the fetch sizes of the rebuild's
//    reader), messages/s; (b) the rebuild (compiled rebuildProjector, as `barplane replay` runs it),
//    events/s, with a progress bar on stderr. Each in a child process of its own (its peak RSS).
//    After each rebuild: decision, audit and answer counts as expected, every host's chain head
//    the same as after the first rebuild, the live projector's records (before the bulk) kept
//    hash for hash, each host's flip BAR decided by its last flip; after the last, every chain verified.
// Target: rebuild >= 50 % of the bare read (medians). Reports PASS/MISS, exits 0 either way.
// REBUILD_BENCH_DIST=<dir> takes the rebuild's libraries from another build's dist/ (to compare two).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openNamespace, root } from './bench-namespace.mjs';
import { UNALIGNED, flipAddress, hostIdOf, programGuestBar, setupCommands } from './pipeline-fleet.mjs';
import { printProfiles, summarizeProfiles } from './pipeline-profile.mjs';
import { fmtInt, summarize, table } from './stats.mjs';

const TARGET_SHARE = 0.5;
export const REBUILD_DEFAULTS = {
  events: 1_000_000,
  runs: 3,
  hosts: 1000,
  chunk: undefined,
  profile: false,
  keep: false,
};
/** The reader's fetch sizes (libs/messaging PartitionFeed), for the bare read too. */
const FETCH = { maxWaitTimeInMs: 50, maxBytesPerPartition: 1024 * 1024, maxBytes: 16 * 1024 * 1024 };
const require = createRequire(join(root, 'package.json'));
const dist = (lib) =>
  require(join(process.env.REBUILD_BENCH_DIST ?? join(root, 'dist'), 'libs', lib, 'src', 'index.js'));

/**
 * Returns { events, bare: {min, median, max}, rebuild: {min, median, max}, ratio, verdict,
 * peakRssMb, checks, ... } (rates per second) and writes .cache/bench/rebuild.json.
 */
export async function runRebuildBench(options = {}) {
  const o = { ...REBUILD_DEFAULTS, ...options };
  const log = (m) => console.log(`rebuild: ${m}`);
  const outDir = join(root, '.cache', 'bench');
  mkdirSync(outDir, { recursive: true });
  const run = await openNamespace({ log });
  const { ns, schemas: S, q, count } = run;
  const result = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model };
  Object.assign(result, { cpus: os.cpus().length, namespace: ns, options: o });
  try {
    log(`namespace ${ns}: ${o.hosts} hosts, ${fmtInt(o.events)} events, ${o.runs} runs`);
    const setup = Array.from({ length: o.hosts }, (_, i) => setupCommands(i));
    await run.produce(
      'pe.commands',
      setup.flatMap((s) => s.pe),
    );
    await run.waitStatuses(o.hosts * 2, 'host registration');
    // guest-memory learns the PEs from pe.events: assigning one before it has read them is refused.
    await run.factsCaughtUp();
    await run.produce(
      'guest.commands',
      setup.flatMap((s) => s.guest),
    );
    await run.waitStatuses(o.hosts * 5, 'VMs and assignments');
    await run.produce(
      'guest.commands',
      Array.from({ length: o.hosts }, (_, i) => programGuestBar(i, flipAddress(0))),
    );
    await run.waitStatuses(o.hosts * 6, 'one flip per host');
    await run.quiesce();
    await run.expectAllApplied('setup');
    await run.services.stop();
    const before = {
      decisions: await count(`SELECT count(*) AS n FROM ${S.projector}.decisions`),
      audit: await count(`SELECT count(*) AS n FROM ${S.projector}.audit_records`),
      answers: await count(`SELECT count(*) AS n FROM ${S.projector}.command_status`),
      heads: await q(`SELECT DISTINCT ON (host_id) host_id, seq, hash FROM ${S.projector}.audit_records
                      ORDER BY host_id, seq DESC`),
    };
    const topics = ['pe.events', 'guest.events', 'vfio.events'].map((t) => ns + t);
    const bulk = o.events - (await messageCount(run.kafka, topics));
    if (bulk < 0) throw new Error(`--events ${o.events} is fewer than the ${o.events - bulk} events of the setup`);
    const t0 = Date.now();
    const lastFlip = await produceFlips(run, o.hosts, bulk);
    log(`fleet made, services stopped, ${fmtInt(bulk)} flips produced in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const expected = { ...before, audit: before.audit + bulk, answers: before.answers + bulk, lastFlip };
    const total = await messageCount(run.kafka, topics);

    const runs = [];
    let heads;
    // --profile: a V8 CPU profile of each rebuild (where its time goes), summarised at the end.
    const profileDir = join(outDir, 'profiles', `rebuild-${run.prefix.replace(/_$/, '')}`);
    // Named so that summarizeProfiles, which reads the third dot-separated field, finds the run.
    const flags = (r) =>
      o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=CPU.rebuild.run${r}.cpuprofile`] : [];
    const pidNames = {};
    for (let r = 0; r < o.runs; r++) {
      const bare = await child(['bare', ns, String(total)], `bare read ${r + 1}/${o.runs}`);
      const rebuilt = await child(['rebuild', ns, String(o.chunk ?? '')], `rebuild ${r + 1}/${o.runs}`, flags(r + 1));
      pidNames[`run${r + 1}`] = `rebuild ${r + 1}`;
      const checks = await checkRebuild(run, expected, heads);
      heads = checks.heads;
      delete checks.heads;
      runs.push({ bare, rebuild: rebuilt, checks });
      log(
        `run ${r + 1}: bare ${fmtInt(bare.perSecond)} msgs/s, rebuild ${fmtInt(rebuilt.perSecond)} events/s ` +
          `(${fmtInt(rebuilt.applied)} applied, peak RSS ${rebuilt.maxRssMb.toFixed(0)} MB), checks ${checks.ok ? 'ok' : 'FAILED'}`,
      );
    }
    const verified = await verifyChains(q, S.projector);
    Object.assign(result, { events: total, bulk, runs, verified });
    if (o.profile) result.profile = summarizeProfiles(profileDir, pidNames);
  } catch (error) {
    run.printTails();
    throw error;
  } finally {
    await run.close({ keep: o.keep });
  }
  return report(result, outDir);
}

/** Messages in the topics now (high - low watermarks). */
async function messageCount(kafka, topics) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let n = 0;
    for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) n += Number(p.high) - Number(p.low);
    return n;
  } finally {
    await admin.disconnect();
  }
}

/**
 * `n` GuestBarProgrammed events on <ns>guest.events, host after host in turn, each a copy of the
 * host's last one as guest-memory published it: new ids, the stream's next version, a later
 * commit time, the other guest address, its own command and answer. Returns each host's last address.
 */
async function produceFlips(run, hosts, n) {
  const templates = new Map();
  const versions = new Map(
    (
      await run.q(
        `SELECT stream_id, max(stream_version)::bigint AS v FROM ${run.schemas.guest}.events GROUP BY stream_id`,
      )
    ).map((r) => [r.stream_id, BigInt(r.v)]),
  );
  const consumer = run.kafka.consumer({ groupId: `${run.ns}bench-templates`, ...FETCH });
  let latest = '';
  await new Promise((resolve, reject) => {
    consumer.connect().then(async () => {
      await consumer.subscribe({ topics: [`${run.ns}guest.events`], fromBeginning: true });
      const end = await messageCount(run.kafka, [`${run.ns}guest.events`]);
      let seen = 0;
      await consumer.run({
        eachMessage: async ({ message }) => {
          const e = JSON.parse(message.value.toString());
          if (e.type === 'GuestBarProgrammed') templates.set(e.hostId, { envelope: e, headers: message.headers });
          if (e.occurredAt > latest) latest = e.occurredAt;
          if (++seen >= end) resolve();
        },
      });
    }, reject);
  });
  await consumer.disconnect();
  if (templates.size !== hosts) throw new Error(`${templates.size} of ${hosts} hosts have a GuestBarProgrammed event`);
  // Commit times from 1 s after the last one, a microsecond apart (occurredAt has six digits).
  const base = BigInt(Date.parse(latest)) * 1000n + 1_000_000n;
  const at = (k) => {
    const us = base + BigInt(k);
    return `${new Date(Number(us / 1000n)).toISOString().slice(0, 19)}.${String(us % 1_000_000n).padStart(6, '0')}Z`;
  };
  const producer = run.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const lastFlip = new Map();
  try {
    const BATCH = 1000; // a partition's share of a request stays under the broker's 1 MB
    for (let done = 0; done < n; done += BATCH) {
      const messages = [];
      for (let k = done; k < Math.min(n, done + BATCH); k++) {
        const i = k % hosts;
        const { envelope: t, headers } = templates.get(hostIdOf(i));
        const version = versions.get(t.streamId) + 1n;
        versions.set(t.streamId, version);
        const address = flipAddress(Math.floor(k / hosts) + 1); // the setup's flip was flipAddress(0)
        lastFlip.set(hostIdOf(i), address);
        const commandId = randomUUID();
        const id = randomUUID();
        const envelope = {
          ...t,
          id,
          streamVersion: String(version),
          occurredAt: at(k),
          correlationId: commandId,
          causationId: commandId,
          data: { ...t.data, address },
        };
        envelope.answer = answerOf(t.answer, commandId, envelope);
        messages.push({ key: t.hostId, value: JSON.stringify(envelope), headers });
      }
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: `${run.ns}guest.events`, messages }] });
    }
  } finally {
    await producer.disconnect();
  }
  return Object.fromEntries(lastFlip);
}

/** The template's CommandApplied answer, for another command and event. */
function answerOf(answer, commandId, event) {
  if (!answer) return undefined;
  const data = {
    ...answer.data,
    commandId,
    streamVersion: event.streamVersion,
    eventIds: [event.id],
    events: [{ id: event.id, type: event.type, data: event.data }],
  };
  return { ...answer, id: randomUUID(), correlationId: commandId, causationId: commandId, data };
}

/** Runs this file as a child (`--child bare|rebuild`), drawing its progress on stderr; its last line is the result. */
function child(args, label, flags = []) {
  const cliProgress = require('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label.padEnd(16)} [{bar}] {value}/{total} | {rate}/s`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return new Promise((resolve, reject) => {
    // No V8 flags, as `barplane replay` runs (the projector's larger young generation changed nothing here).
    const c = spawn(process.execPath, [...flags, import.meta.filename, '--child', ...args], {
      cwd: root,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last;
    let started = false;
    let buffered = '';
    c.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const m = JSON.parse(line);
        if (m.progress) {
          if (!started) bar.start(m.progress.total, 0, { rate: 0 });
          started = true;
          bar.update(m.progress.read, { rate: fmtInt(m.progress.rate) });
        } else last = m;
      }
    });
    c.on('exit', (code) => {
      if (started) bar.stop();
      if (code === 0 && last) resolve(last);
      else reject(new Error(`${label}: child exited ${code}`));
    });
  });
}

/** Decision, audit and answer counts, chain heads and each host's flip decision after a rebuild. */
async function checkRebuild(run, expected, previousHeads) {
  const { q, count, schemas: S } = run;
  const decisions = await count(`SELECT count(*) AS n FROM ${S.projector}.decisions`);
  const audit = await count(`SELECT count(*) AS n FROM ${S.projector}.audit_records`);
  const answers = await count(`SELECT count(*) AS n FROM ${S.projector}.command_status`);
  const heads = (
    await q(`SELECT DISTINCT ON (host_id) host_id, hash FROM ${S.projector}.audit_records ORDER BY host_id, seq DESC`)
  ).map((r) => `${r.host_id}:${r.hash}`);
  // The records the live projector made before the bulk: the rebuild must make them hash for hash.
  const kept = await count(
    `SELECT count(*) AS n FROM ${S.projector}.audit_records a
     JOIN unnest($1::text[], $2::int[], $3::text[]) AS b(host_id, seq, hash) USING (host_id, seq, hash)`,
    [expected.heads.map((h) => h.host_id), expected.heads.map((h) => h.seq), expected.heads.map((h) => h.hash)],
  );
  const unaligned = await q(
    `SELECT host_id FROM ${S.projector}.decisions WHERE subject_key LIKE 'bar:%' AND outcome::text LIKE '%GUEST_SUBPAGE_UNALIGNED%'`,
  );
  const got = new Set(unaligned.map((r) => r.host_id));
  const wrongFlips = Object.entries(expected.lastFlip).filter(([h, a]) => got.has(h) !== (a === UNALIGNED)).length;
  const checks = {
    decisions: `${decisions}/${expected.decisions}`,
    audit: `${audit}/${expected.audit}`,
    answers: `${answers}/${expected.answers}`,
    liveRecordsKept: `${kept}/${expected.heads.length}`,
    wrongFlipDecisions: wrongFlips,
    sameHeadsAsFirstRebuild: previousHeads ? previousHeads.join() === heads.join() : true,
  };
  checks.ok =
    decisions === expected.decisions &&
    audit === expected.audit &&
    answers === expected.answers &&
    kept === expected.heads.length &&
    wrongFlips === 0 &&
    checks.sameHeadsAsFirstRebuild;
  return { ...checks, heads };
}

/** Every host's chain walked and its hashes computed again (auditChains + verifyChain, as GET /v1/audit/verify). */
async function verifyChains(q, schema) {
  const { auditChains } = dist('read-models');
  const { verifyChain } = dist('domain');
  let records = 0;
  let broken = 0;
  for await (const { chain } of auditChains((sql, params) => q(sql, params), schema.replaceAll('"', ''))) {
    const r = verifyChain(chain);
    records += chain.length;
    if (!r.ok) broken++;
  }
  return { records, brokenChains: broken, ok: broken === 0 };
}

function report(r, outDir) {
  const rates = (k) => summarize(r.runs.map((x) => x[k].perSecond));
  const bare = rates('bare');
  const rebuild = rates('rebuild');
  const ratio = rebuild.median / bare.median;
  const verdict = ratio >= TARGET_SHARE ? 'PASS' : 'MISS';
  const peakRssMb = Math.max(...r.runs.map((x) => x.rebuild.maxRssMb));
  const checksOk = r.runs.every((x) => x.checks.ok) && r.verified.ok;
  const row = (name, s, unit) => [name, fmtInt(s.min), fmtInt(s.median), fmtInt(s.max), unit];
  console.log(
    `\nrebuild bench  node ${r.node}  ${r.cpu} (${r.cpus} cpu)  ${fmtInt(r.events)} events, ${r.runs.length} runs`,
  );
  console.log(
    '\n' +
      table(
        ['rate', 'min', 'median', 'max', ''],
        [
          row('bare read of the fact topics (kafkajs + JSON.parse)', bare, 'msgs/s'),
          row('rebuild (rebuildProjector)', rebuild, 'events/s'),
        ],
      ),
  );
  console.log(
    `\nrebuild / bare read (medians): ${(ratio * 100).toFixed(1)} %  target >= ${TARGET_SHARE * 100} %  ${verdict}`,
  );
  console.log(`peak RSS of the rebuilding process: ${peakRssMb.toFixed(0)} MB`);
  console.log(
    `checks: ${JSON.stringify(r.runs.at(-1).checks)}; chains verified: ${fmtInt(r.verified.records)} records, ` +
      `${r.verified.brokenChains} broken  ${checksOk ? 'ok' : 'FAILED'}`,
  );
  if (r.profile) printProfiles(r.profile);
  const figures = { events: r.events, bare, rebuild, ratio, verdict, peakRssMb, checksOk };
  const file = join(outDir, 'rebuild.json');
  writeFileSync(file, JSON.stringify({ ...r, ...figures }, null, 2) + '\n');
  console.log(`\nsummary: ${relative(root, file)}`);
  return { ...figures, runs: r.runs, file };
}

// --- the children ---------------------------------------------------------------------------

const progress = (read, total, started) =>
  process.stdout.write(
    JSON.stringify({ progress: { read, total, rate: (read / (performance.now() - started)) * 1000 } }) + '\n',
  );

/** (a) Every message of the fact topics, each value parsed, through one kafkajs consumer. */
async function bareRead(ns, total) {
  const { Kafka, logLevel } = require('kafkajs');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const t0 = performance.now();
  const kafka = new Kafka({ clientId: `${ns}bench-bare`, brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: `${ns}bench-bare-${randomUUID()}`, ...FETCH });
  await consumer.connect();
  await consumer.subscribe({
    topics: ['pe.events', 'guest.events', 'vfio.events'].map((t) => ns + t),
    fromBeginning: true,
  });
  let read = 0;
  let lastShown = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) if (m.value) JSON.parse(m.value.toString('utf8'));
          read += batch.messages.length;
          if (read - lastShown >= 20_000) progress((lastShown = read), total, t0);
          if (read >= total) resolve();
        },
      })
      .catch(reject);
  });
  const ms = performance.now() - t0;
  await consumer.disconnect();
  return { messages: read, ms, perSecond: (read / ms) * 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** (b) The compiled rebuildProjector, as `barplane replay` runs it. */
async function rebuild(ns, chunk) {
  const { rebuildProjector, readModelNames } = dist('read-models');
  const { createDataSource } = dist('eventstore');
  const { kafkaFromEnv } = dist('messaging');
  const names = readModelNames(ns);
  const kafka = kafkaFromEnv(`${names.group}bench-rebuild`);
  const db = createDataSource({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/barplane',
    schema: names.schema,
    applicationName: `${names.group}bench-rebuild`,
    poolSize: 2,
  });
  await db.initialize();
  try {
    const t0 = performance.now();
    let lastShown = 0;
    const result = await rebuildProjector(
      db,
      kafka,
      ns,
      (p) => {
        if (p.read - lastShown >= 20_000 || p.read === p.total) progress((lastShown = p.read), p.total, t0);
      },
      chunk ? { chunk: Number(chunk) } : {},
    );
    const ms = performance.now() - t0;
    return { ...result, ms, perSecond: (result.applied / ms) * 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      child: { type: 'string' },
      events: { type: 'string' },
      runs: { type: 'string' },
      hosts: { type: 'string' },
      chunk: { type: 'string' },
      profile: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const fail = (error) => {
    console.error(`rebuild bench failed: ${error.stack ?? error}`);
    process.exit(1);
  };
  if (values.child) {
    const [ns, arg] = positionals;
    (values.child === 'bare' ? bareRead(ns, Number(arg)) : rebuild(ns, arg))
      .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
      .then(() => process.exit(0), fail);
  } else {
    const { ensureBuilt } = await import('../ensure-built.mjs');
    ensureBuilt('rebuild bench');
    const num = (x, d) => (x === undefined ? d : Number(x));
    runRebuildBench({
      events: num(values.events, REBUILD_DEFAULTS.events),
      runs: num(values.runs, REBUILD_DEFAULTS.runs),
      hosts: num(values.hosts, REBUILD_DEFAULTS.hosts),
      chunk: num(values.chunk, undefined),
      profile: values.profile,
      keep: values.keep,
    }).catch(fail);
  }
}
