#!/usr/bin/env node
// Pipeline benchmark of the control plane (run by `npm run bench` after the engine one, or
// alone: `node scripts/bench/pipeline.mjs [--commands 10000 --hosts 100 --clients 50
// --requests 400 --profile --keep]`). Needs Kafka and PostgreSQL up (`node scripts/infra.mjs
// up`) and dist/ built. Runs every service from dist/ as its own process (as `npm start` does)
// in a fresh BARPLANE_NAMESPACE, and removes that namespace's schemas, topics and groups at the
// end (--keep leaves them for a closer look; --profile writes a CPU profile per service).
//
// 0. Idle: each process's CPU over --idleSeconds (10) with nothing to do, after the setup.
// 1. Throughput: N ProgramGuestBar envelopes produced straight to <ns>guest.commands (flipping
//    a guest BAR between a page-aligned and an unaligned address, over many hosts, so each
//    command makes one event and one changed decision); clock from the first produce to the
//    projector's N-th answer (its NOTIFY, checked against <ns>projector.command_status). Baselines in the same run:
//    (a) bare kafkajs consumer of N messages of the event's size, (b) bare batched INSERTs of N
//    event rows. Targets: >= 5,000 events/s and >= 20 % of the slower baseline.
// 2. Latency: C concurrent HTTP clients PUT /v1/vms/{vm}/guest-bars (one BAR) until the 200
//    (the API answers once the projector recorded the outcome). Target p99 < 100 ms.
// Reports PASS/MISS, exits 0 either way (1 only when something breaks).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { httpClient } from './bench-http.mjs';
import { runWhenMain } from './cli-options.mjs';
import { openNamespace, root, sleep } from './bench-namespace.mjs';
import { commitLatency, kafkaBaseline, postgresBaseline } from './pipeline-baselines.mjs';
import {
  FLIP_BDF,
  UNALIGNED,
  flipAddress,
  hostIdOf,
  programGuestBar,
  setupCommands,
  vmIdOf,
} from './pipeline-fleet.mjs';
import { printProfiles, summarizeProfiles } from './pipeline-profile.mjs';
import { FIGURE_HEADER, figureRow, fmtInt, fmtMs, percentiles, summarize, table } from './stats.mjs';

const TARGET_EVENTS_PER_S = 5000;
const TARGET_BASELINE_SHARE = 0.2;
const TARGET_P99_MS = 100;
const TARGET_CPU_MS = 4; // per command, every process together (issue 13)
/**
 * What one command crosses: the commands, events and decisions topics; about six row writes
 * (the event, its outbox line, the owner's and the projector's inbox claims, decision, audit).
 */
const HOPS = { kafkaCrossings: 3, rowWrites: 6 };

export const PIPELINE_DEFAULTS = {
  rounds: 3,
  commands: 10_000,
  hosts: 100,
  clients: 50,
  requests: 400,
  idleSeconds: 10,
  profile: false,
  keep: false,
};

export async function runPipelineBench(options = {}) {
  const o = { ...PIPELINE_DEFAULTS, ...options };
  if (o.hosts < o.clients) throw new Error('--hosts must be >= --clients (one VM per client)');
  const log = (m) => console.log(`pipeline: ${m}`);
  const run = await openNamespace({ log, profile: o.profile });
  const { ns, prefix, q, count, databaseUrl, brokers, Kafka, logLevel, Client, tokens, produce, statusCount } = run;
  const S = run.schemas;
  const pidNames = run.pidNames();
  const outDir = join(root, '.cache', 'bench');
  mkdirSync(outDir, { recursive: true });
  log(`namespace ${ns}  api ${run.apiUrl}  ${o.commands} commands over ${o.hosts} hosts, ${o.clients} HTTP clients`);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cpus: os.cpus().length,
    namespace: ns,
    options: o,
  };
  try {
    // --- setup: hosts, topologies, VMs, assignments; one warm-up flip per host ---------------
    const t = performance.now();
    const setup = Array.from({ length: o.hosts }, (_, i) => setupCommands(i));
    await produce(
      'pe.commands',
      setup.flatMap((s) => s.pe),
    );
    await run.waitStatuses(o.hosts * 2, 'host registration');
    await run.factsCaughtUp();
    await produce(
      'guest.commands',
      setup.flatMap((s) => s.guest),
    );
    await run.waitStatuses(o.hosts * 5, 'VMs and assignments');
    const flips = new Array(o.hosts).fill(0);
    const nextFlip = (i) => programGuestBar(i, flipAddress(flips[i]++));
    await produce(
      'guest.commands',
      Array.from({ length: o.hosts }, (_, i) => nextFlip(i)),
    );
    await run.waitStatuses(o.hosts * 6, 'warm-up flips');
    await run.quiesce();
    await run.expectAllApplied('setup');
    log(`fleet ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // --profile: the services' profiles start here (cpu-profile-preload.cjs), after start-up and setup.
    if (o.profile) for (const { child } of run.services.children) child.kill('SIGUSR2');

    // --- 0. idle: what the control plane costs with nothing to do -----------------------------
    const idle0 = cpuSnapshot(run.services.children);
    const idleT0 = performance.now();
    await sleep(o.idleSeconds * 1000);
    const idleS = (performance.now() - idleT0) / 1000;
    const idleCpu = cpuDelta(idle0, cpuSnapshot(run.services.children));
    result.idle = {
      seconds: idleS,
      shareOfCoreByProcess: Object.fromEntries(Object.entries(idleCpu).map(([k, x]) => [k, x / idleS])),
    };

    // --- 1. throughput, in rounds ---------------------------------------------------------------
    const throughputRound = async () => {
      const before = await statusCount();
      const auditBefore = await count(`SELECT count(*) AS n FROM ${S.projector}.audit_records`);
      const commands = Array.from({ length: o.commands }, (_, k) => nextFlip(k % o.hosts));
      const partitions = partitionSpread(commands.map((c) => c.hostId));
      // Answers are counted from the projector's per-command NOTIFY (what the API waits on), not by
      // polling count(*): a poll scanning command_status 40 times a second would load PostgreSQL.
      const pending = new Set(commands.map((c) => c.id));
      const listener = new Client({ connectionString: databaseUrl });
      await listener.connect();
      listener.on('notification', (n) => pending.delete(n.payload.split('\n', 1)[0])); // CommandNotice: the id first
      await listener.query(`LISTEN "${prefix}projector_commands"`);
      const cpu0 = cpuSnapshot(run.services.children);
      const xact0 = await xactCommits(q);
      const wall0 = Date.now();
      const t0 = performance.now();
      const producing = produce('guest.commands', commands);
      const timeline = [];
      let answered = 0;
      const deadline = t0 + Math.max(120_000, o.commands * 30);
      while (answered < o.commands && performance.now() < deadline) {
        await sleep(5);
        answered = o.commands - pending.size;
        timeline.push([Math.round(performance.now() - t0), answered]);
      }
      const t1 = performance.now();
      await listener.end();
      // What the notifications said, checked against the table.
      const recorded = (await statusCount()) - before;
      if (recorded !== answered) log(`warning: ${answered} answers notified, ${recorded} in command_status`);
      const produceMs = await producing.then(
        () => undefined,
        (e) => e,
      );
      const ms = t1 - t0;
      const cpu = cpuDelta(cpu0, cpuSnapshot(run.services.children), ms);
      const xacts = (await xactCommits(q)) - xact0;
      const stages = await stageTimes(q, S, wall0);
      const statuses = await q(
        `SELECT status, count(*)::int AS n FROM ${S.projector}.command_status WHERE updated_at >= to_timestamp($1 / 1000.0) GROUP BY status`,
        [wall0],
      );
      const decisionsChanged = (await count(`SELECT count(*) AS n FROM ${S.projector}.audit_records`)) - auditBefore;
      const eventsPerS = (answered / ms) * 1000;
      return {
        wall0,
        commands: o.commands,
        answered,
        ms,
        eventsPerS,
        decisionsChanged,
        statuses,
        partitions,
        stages,
        cpuSecondsByProcess: cpu,
        cpuMsPerCommand: pipelineCpuMs(cpu, answered),
        dbTransactionsPerCommand: xacts / Math.max(1, answered),
        timeline: thin(timeline, 40),
        produceError: produceMs instanceof Error ? produceMs.message : undefined,
      };
    };
    const rounds = [];
    for (let r = 0; r < o.rounds; r++) {
      const round = await throughputRound();
      rounds.push(round);
      log(`throughput round ${r + 1}: ${round.answered}/${o.commands} answers in ${fmtMs(round.ms)} ms`);
      if (round.answered < o.commands) run.printTails();
    }
    // The figures of the median round; the rate over every round.
    const byRate = [...rounds].sort((x, y) => x.eventsPerS - y.eventsPerS);
    const { wall0, ...median } = byRate[byRate.length >> 1];
    result.throughput = { ...median, rounds: o.rounds, eventsPerSRuns: summarize(rounds.map((x) => x.eventsPerS)) };

    // --- baselines ----------------------------------------------------------------------------
    const sample = (
      await q(
        `SELECT data, metadata FROM ${S.guest}.events WHERE event_type = 'GuestBarProgrammed' ORDER BY global_position DESC LIMIT 1`,
      )
    )[0];
    const msgBytes = Number(
      (
        await q(
          `SELECT avg(length(payload::text))::int AS n FROM ${S.guest}.outbox_messages WHERE created_at >= to_timestamp($1 / 1000.0)`,
          [wall0],
        )
      )[0].n ?? 600,
    );
    const kb = await kafkaBaseline({
      Kafka,
      logLevel,
      brokers,
      topic: `${ns}bench.baseline`,
      groupId: `${ns}bench-baseline`,
      count: o.commands,
      bytes: msgBytes,
    });
    await q(`CREATE SCHEMA IF NOT EXISTS "${S.bench}"`);
    const pb = await postgresBaseline({
      Client,
      databaseUrl,
      schema: S.bench,
      count: o.commands,
      perInsert: 100,
      data: sample.data,
      metadata: sample.metadata,
    });
    const cl = await commitLatency({ Client, databaseUrl, schema: S.bench });
    const slower = Math.min(kb.perSecond, pb.perSecond);
    result.hops = {
      ...HOPS,
      perSecond: 1 / (HOPS.kafkaCrossings / kb.perSecond + HOPS.rowWrites / pb.perSecond),
    };
    result.baselines = {
      kafka: kb,
      postgres: pb,
      commit: cl,
      slower,
      pipelineShareOfSlower: result.throughput.eventsPerSRuns.median / slower,
    };

    // --- 2. latency -----------------------------------------------------------------------------
    const http = httpClient(run.apiUrl, { maxSockets: o.clients });
    const call = (method, path, body, token = tokens.provisioner) => http.call(method, path, body, token);
    const flipOverHttp = async (i) => {
      const address = flipAddress(flips[i]++);
      const t = performance.now();
      const r = await call('PUT', `/v1/vms/${vmIdOf(i)}/guest-bars`, [{ bdf: FLIP_BDF, index: 0, address }]);
      return {
        ms: performance.now() - t,
        ok: r.status === 200 && r.body?.status === 'applied',
        status: r.status,
        address,
      };
    };
    // Warm-up: one request per client (connections, JIT), then one client alone, then C at once.
    await Promise.all(Array.from({ length: o.clients }, (_, i) => flipOverHttp(i)));
    const serial = [];
    for (let k = 0; k < 30; k++) serial.push(await flipOverHttp(k % o.clients));
    const perClient = Math.ceil(o.requests / o.clients);
    const lastAddress = new Map();
    const concurrentRound = async () => {
      const stopAt = performance.now() + 60_000;
      const cpu0 = cpuSnapshot(run.services.children);
      const xact0 = await xactCommits(q);
      const l0 = performance.now();
      const samples = (
        await Promise.all(
          Array.from({ length: o.clients }, async (_, i) => {
            const mine = [];
            for (let k = 0; k < perClient && performance.now() < stopAt; k++) {
              const r = await flipOverHttp(i);
              mine.push(r);
              if (r.ok) lastAddress.set(i, r.address);
            }
            return mine;
          }),
        )
      ).flat();
      const wallMs = performance.now() - l0;
      const cpu = cpuDelta(cpu0, cpuSnapshot(run.services.children));
      const xacts = (await xactCommits(q)) - xact0;
      return {
        dbTransactionsPerRequest: xacts / Math.max(1, samples.length),
        samples,
        wallMs,
        cpu,
        p: percentiles(samples.map((r) => r.ms)),
        cpuMs: pipelineCpuMs(cpu, samples.length),
      };
    };
    const lrounds = [];
    for (let r = 0; r < o.rounds; r++) lrounds.push(await concurrentRound());
    // The figures of the median round (by p99); the p99 over every round.
    const byP99 = [...lrounds].sort((x, y) => x.p.p99 - y.p.p99);
    const { samples: concurrent, wallMs: lMs, cpu: lcpu, dbTransactionsPerRequest } = byP99[byP99.length >> 1];
    // Decision readable: the last flip of a sample of clients is what GET /v1/decisions shows.
    let verified = 0;
    const checked = [...lastAddress.keys()].slice(0, 10);
    for (const i of checked) {
      const r = await call('GET', `/v1/decisions?host=${hostIdOf(i)}`, undefined, tokens.viewer);
      const bar = (r.body ?? []).find(
        (d) => JSON.stringify(d).includes(FLIP_BDF) && (d.index ?? d.bar?.index ?? 0) === 0,
      );
      const unaligned = JSON.stringify(bar ?? {}).includes('GUEST_SUBPAGE_UNALIGNED');
      if (bar && unaligned === (lastAddress.get(i) === UNALIGNED)) verified++;
    }
    http.destroy();
    result.latency = {
      concurrent: {
        clients: o.clients,
        requests: concurrent.length,
        failed: concurrent.filter((r) => !r.ok).length,
        wallMs: lMs,
        ...percentiles(concurrent.map((r) => r.ms)),
        rounds: o.rounds,
        p99Runs: summarize(lrounds.map((x) => x.p.p99)),
        // The issue's figure: CPU of every process per HTTP command, at this concurrency.
        cpuMsRuns: summarize(lrounds.map((x) => x.cpuMs)),
      },
      serial: {
        clients: 1,
        requests: serial.length,
        failed: serial.filter((r) => !r.ok).length,
        ...percentiles(serial.map((r) => r.ms)),
      },
      decisionsVerified: `${verified}/${checked.length}`,
      dbTransactionsPerRequest,
      cpuSecondsByProcess: lcpu,
      statuses: histogram(concurrent.map((r) => r.status)),
    };
  } catch (error) {
    run.printTails();
    throw error;
  } finally {
    await run.close({ keep: o.keep });
  }
  if (o.profile) result.profile = summarizeProfiles(run.profileDir, pidNames);
  report(result, outDir, root);
  return result;
}

// --- report --------------------------------------------------------------------------------

function report(r, outDir, root) {
  const v = (ok) => (ok ? 'PASS' : 'MISS');
  const tp = r.throughput;
  const b = r.baselines;
  const rateOk = tp.eventsPerSRuns.median >= TARGET_EVENTS_PER_S;
  const shareOk = b.pipelineShareOfSlower >= TARGET_BASELINE_SHARE;
  /** A baseline's row: how many it moved, in how long, its rate, and the pipeline's rate as a share of it. */
  const baselineRow = (name, count, x) => [
    name,
    fmtInt(count),
    fmtInt(x.ms),
    fmtInt(x.perSecond),
    pct(tp.eventsPerS / x.perSecond),
    '',
    '',
  ];
  console.log(`\npipeline bench  node ${r.node}  ${r.cpu} (${r.cpus} cpu)  namespace ${r.namespace}`);
  const idle = Object.entries(r.idle.shareOfCoreByProcess).filter(([k]) => !k.startsWith('bench'));
  console.log(
    '\n' +
      table(
        [`0. idle, ${r.idle.seconds.toFixed(0)} s after setup`, '% of 1 core'],
        [...idle.map(([k, x]) => [k, pct(x)]), ['all of them', pct(idle.reduce((sum, [, x]) => sum + x, 0))]],
      ),
  );
  console.log(
    '\n' +
      table(
        ['1. throughput (command topic -> decision persisted)', 'msgs', 'ms', 'per s', 'pipeline / this', 'target', ''],
        [
          [
            'pipeline: ProgramGuestBar -> command_status',
            fmtInt(tp.answered),
            fmtInt(tp.ms),
            fmtInt(tp.eventsPerS),
            '',
            `>= ${fmtInt(TARGET_EVENTS_PER_S)}/s`,
            v(rateOk),
          ],
          baselineRow(`baseline a: kafkajs produce+consume (${b.kafka.bytes} B msgs)`, b.kafka.messages, b.kafka),
          baselineRow(`baseline b: PG INSERT events, ${b.postgres.perInsert} rows/stmt`, b.postgres.rows, b.postgres),
          [
            'pipeline vs slower baseline',
            '',
            '',
            '',
            pct(b.pipelineShareOfSlower),
            `>= ${pct(TARGET_BASELINE_SHARE)}`,
            v(shareOk),
          ],
        ],
      ),
  );
  const st = tp.stages;
  const s = (x) => (x == null ? '-' : fmtInt(x));
  const stageRow = (name, first, last, rows) => [name, s(first), s(last), s(rows), s(rateOf(rows, first, last))];
  console.log(
    '\n' +
      table(
        ['stage (ms after the first produce)', 'first', 'last', 'rows', 'rows/s'],
        [
          stageRow('guest-memory appended GuestBarProgrammed', st.ownerFirst, st.ownerLast, st.ownerEvents),
          ['guest-memory relay published (outbox messages)', '', s(st.relayLast), s(st.relayRows), ''],
          stageRow('projector audit records (decision changes)', st.auditFirst, st.auditLast, st.auditRows),
          ['projector command_status (answers)', '', s(st.statusLast), s(st.statusRows), ''],
        ],
      ),
  );
  console.log(
    '\n' +
      table(
        ['CPU during the throughput run', 'cpu s', '% of 1 core'],
        Object.entries(tp.cpuSecondsByProcess).map(([k, x]) => [k, x.toFixed(2), pct(x / (tp.ms / 1000))]),
      ),
  );
  console.log(
    `partitions of the commands: ${tp.partitions.join(' / ')}; statuses ${tp.statuses.map((x) => `${x.status} ${x.n}`).join(', ')}; ` +
      `decisions changed ${fmtInt(tp.decisionsChanged)}; ~${tp.dbTransactionsPerCommand.toFixed(1)} committed DB transactions per command; ` +
      `PG commit of a 1-row transaction ${b.commit.msPerTransaction.toFixed(2)} ms, round trip ${b.commit.msPerRoundTrip.toFixed(3)} ms`,
  );
  const lc = r.latency.concurrent;
  const ls = r.latency.serial;
  const latOk = lc.p99Runs.median < TARGET_P99_MS && lc.failed === 0;
  const row = (name, x, target = '', ok) => [
    name,
    fmtInt(x.requests),
    fmtInt(x.failed),
    fmtMs(x.p50),
    fmtMs(x.p90),
    fmtMs(x.p99),
    fmtMs(x.max),
    target,
    ok === undefined ? '' : v(ok),
  ];
  console.log(
    '\n' +
      table(
        ['2. latency PUT guest-bars -> 200 (ms)', 'reqs', 'failed', 'p50', 'p90', 'p99', 'max', 'target', ''],
        [row(`${lc.clients} concurrent clients`, lc, `p99 < ${TARGET_P99_MS}`, latOk), row('1 client, serial', ls)],
      ),
  );
  console.log(
    '\n' +
      table(
        ['CPU during the concurrent latency run', 'cpu s', '% of 1 core', 'ms per request'],
        Object.entries(r.latency.cpuSecondsByProcess).map(([k, x]) => [
          k,
          x.toFixed(2),
          pct(x / (lc.wallMs / 1000)),
          ((x * 1000) / lc.requests).toFixed(2),
        ]),
      ),
  );
  console.log(
    `concurrent: ${fmtInt(lc.requests)} requests in ${fmtInt(lc.wallMs)} ms (${fmtInt((lc.requests / lc.wallMs) * 1000)} req/s); HTTP ${JSON.stringify(r.latency.statuses)}; ` +
      `decision readable via GET /v1/decisions: ${r.latency.decisionsVerified} sampled VMs; ` +
      `~${r.latency.dbTransactionsPerRequest.toFixed(1)} committed DB transactions per request`,
  );
  if (r.profile) printProfiles(r.profile);
  // Every target over the rounds, with the bare cost of the pipeline's own hops beside it.
  const hops = r.hops;
  const cpuOk = r.latency.concurrent.cpuMsRuns.median <= TARGET_CPU_MS;
  console.log(
    '\n' +
      table(FIGURE_HEADER('pipeline targets'), [
        figureRow(
          'events/s, command topic -> decision persisted',
          tp.eventsPerSRuns,
          `>= ${fmtInt(TARGET_EVENTS_PER_S)}`,
          rateOk,
          fmtInt,
        ),
        figureRow(`p99 ms, ${lc.clients} concurrent HTTP clients`, lc.p99Runs, `< ${TARGET_P99_MS}`, latOk),
        figureRow(`CPU ms per HTTP command, all processes`, lc.cpuMsRuns, `<= ${TARGET_CPU_MS}`, cpuOk),
      ]),
  );
  console.log(`CPU per command at full speed (commands straight to Kafka, batched): ${fmtMs(tp.cpuMsPerCommand)} ms`);
  console.log(
    `bare hops of one command: ${hops.kafkaCrossings} Kafka crossings at ${fmtInt(b.kafka.perSecond)}/s + ${hops.rowWrites} row writes at ${fmtInt(b.postgres.perSecond)}/s ` +
      `= ${fmtInt(hops.perSecond)} commands/s; the pipeline reaches ${pct(tp.eventsPerSRuns.median / hops.perSecond)} of that`,
  );
  r.verdicts = { eventsPerS: v(rateOk), baselineShare: v(shareOk), p99: v(latOk), cpuMsPerCommand: v(cpuOk) };
  const file = join(outDir, 'pipeline.json');
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  console.log(`\nsummary: ${relative(root, file)}`);
}

// --- helpers -------------------------------------------------------------------------------

async function stageTimes(q, S, wall0) {
  const after = [wall0];
  const rel = (x) => (x == null ? null : Number(x) - wall0);
  const [owner] = await q(
    `SELECT count(*)::int AS n, extract(epoch FROM min(occurred_at)) * 1000 AS first, extract(epoch FROM max(occurred_at)) * 1000 AS last
     FROM ${S.guest}.events WHERE event_type = 'GuestBarProgrammed' AND occurred_at >= to_timestamp($1 / 1000.0)`,
    after,
  );
  const [relay] = await q(
    `SELECT count(*)::int AS n, extract(epoch FROM max(published_at)) * 1000 AS last FROM ${S.guest}.outbox_messages WHERE created_at >= to_timestamp($1 / 1000.0)`,
    after,
  );
  const [audit] = await q(
    `SELECT count(*)::int AS n, extract(epoch FROM min(recorded_at)) * 1000 AS first, extract(epoch FROM max(recorded_at)) * 1000 AS last
     FROM ${S.projector}.audit_records WHERE recorded_at >= to_timestamp($1 / 1000.0)`,
    after,
  );
  const [status] = await q(
    `SELECT count(*)::int AS n, extract(epoch FROM max(updated_at)) * 1000 AS last FROM ${S.projector}.command_status WHERE updated_at >= to_timestamp($1 / 1000.0)`,
    after,
  );
  return {
    ownerEvents: owner.n,
    ownerFirst: rel(owner.first),
    ownerLast: rel(owner.last),
    relayRows: relay.n,
    relayLast: rel(relay.last),
    auditRows: audit.n,
    auditFirst: rel(audit.first),
    auditLast: rel(audit.last),
    statusRows: status.n,
    statusLast: rel(status.last),
  };
}

const rateOf = (n, first, last) => (n && last > first ? (n / (last - first)) * 1000 : null);

async function xactCommits(q) {
  return Number((await q(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`))[0].n);
}

/** utime+stime (s) of each service, of every postgres process, of the Kafka JVM, and of this process. */
function cpuSnapshot(children) {
  const ticks = 100;
  const read = (pid) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / ticks;
    } catch {
      return 0;
    }
  };
  const comm = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const snap = {};
  for (const { name, child } of children) snap[name] = read(child.pid);
  let pg = 0;
  let kafka = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const c = comm(pid);
    if (c === 'postgres') pg += read(pid);
    else if (c === 'java') kafka += read(pid);
  }
  snap.postgres = pg; // exited backends are not counted; the services keep theirs open
  snap['kafka (java)'] = kafka;
  const u = process.cpuUsage();
  snap['bench (producer, polls)'] = (u.user + u.system) / 1e6;
  return snap;
}

/** CPU ms per command of every process but the benchmark's own (its producer and polls are not the pipeline's). */
function pipelineCpuMs(cpu, commands) {
  const seconds = Object.entries(cpu)
    .filter(([k]) => !k.startsWith('bench'))
    .reduce((sum, [, x]) => sum + x, 0);
  return (seconds * 1000) / Math.max(1, commands);
}

function cpuDelta(a, b) {
  return Object.fromEntries(Object.keys(b).map((k) => [k, Math.max(0, b[k] - (a[k] ?? 0))]));
}

/** Messages per partition, as the default (murmur2) partitioner of kafkajs places the keys. */
function partitionSpread(keys) {
  const require = createRequire(import.meta.url);
  const { Partitioners } = require(join(import.meta.dirname, '..', '..', 'node_modules', 'kafkajs'));
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }));
  const counts = [0, 0, 0];
  for (const key of keys) counts[partitioner({ topic: 't', partitionMetadata, message: { key } })]++;
  return counts;
}

function histogram(items) {
  const h = {};
  for (const x of items) h[x] = (h[x] ?? 0) + 1;
  return h;
}

function thin(points, n) {
  if (points.length <= n) return points;
  const step = points.length / n;
  return [...Array.from({ length: n - 1 }, (_, i) => points[Math.floor(i * step)]), points[points.length - 1]];
}

const pct = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

runWhenMain(import.meta.url, 'pipeline bench', PIPELINE_DEFAULTS, runPipelineBench);
