// Fleet-scale benchmark (run by `npm run bench`, or alone: `node scripts/bench/fleet.mjs
// [--hosts 1000 --functions 50 --readers 20 --requests 25 --rounds 3 --keep]`). Needs Kafka and
// PostgreSQL up and dist/ built. In a fresh namespace it loads a generated fleet through the
// pipeline (commands to the owners' command topics: owners decide and publish, the projector
// decides every BAR), then measures what an operator of that fleet meets first:
//   load time; the memory of each service (target < 512 MB each); the p99 of GET /v1/hosts and
//   of a PE page (GET /v1/hosts/{h}/pes/{pe}) at `readers` concurrent readers (target < 50 ms);
//   the time of a /metrics scrape (target < 100 ms).
// Reads are measured in `rounds` rounds: each figure is printed as min / median / max over them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openNamespace, root } from './bench-namespace.mjs';
import { concurrentRequests, httpClient } from './bench-http.mjs';
import { runWhenMain } from './cli-options.mjs';
import { printProfiles, summarizeProfiles } from './pipeline-profile.mjs';
import { hostIdOf, wideHostCommands, wideTopology } from './pipeline-fleet.mjs';
import { fmtInt, fmtMs, percentiles, summarize, table } from './stats.mjs';

export const FLEET_TARGETS = { rssMb: 512, p99Ms: 50, scrapeMs: 100 };
export const FLEET_DEFAULTS = {
  hosts: 1000,
  functions: 50,
  readers: 20,
  requests: 25,
  rounds: 3,
  keep: false,
  profile: false,
};

export async function runFleetBench(options = {}) {
  const o = { ...FLEET_DEFAULTS, ...options };
  const log = (m) => console.log(`fleet: ${m}`);
  const run = await openNamespace({ log, profile: o.profile });
  const pidNames = run.pidNames();
  log(`namespace ${run.ns}  api ${run.apiUrl}  ${fmtInt(o.hosts)} hosts x ${o.functions} functions`);
  const http = httpClient(run.apiUrl, { maxSockets: o.readers });
  const result = { date: new Date().toISOString(), namespace: run.ns, options: o };
  try {
    // --- load ----------------------------------------------------------------------------------
    const t0 = performance.now();
    const hosts = Array.from({ length: o.hosts }, (_, i) => wideHostCommands(i, o.functions));
    const pe = hosts.flatMap((h) => h.pe);
    const guest = hosts.flatMap((h) => h.guest);
    const timeout = Math.max(300_000, o.hosts * o.functions * 20);
    await run.produce('pe.commands', pe);
    await run.waitStatuses(pe.length, 'hosts and topologies', timeout);
    const topologyMs = performance.now() - t0;
    await run.factsCaughtUp();
    await run.produce('guest.commands', guest);
    await run.waitStatuses(pe.length + guest.length, 'VMs and assignments', timeout);
    await run.quiesce();
    const loadMs = performance.now() - t0;
    await run.expectAllApplied('fleet');
    const n = (table) => run.count(`SELECT count(*) AS n FROM ${run.schemas.projector}.${table}`);
    result.load = {
      ms: loadMs,
      topologyMs,
      commands: pe.length + guest.length,
      decisions: await n('decisions'),
      auditRecords: await n('audit_records'),
    };
    log(`loaded in ${(loadMs / 1000).toFixed(1)} s: ${fmtInt(result.load.decisions)} decisions`);

    // --- reads, in rounds --------------------------------------------------------------------
    const token = run.tokens.viewer;
    // As a dashboard reads: it takes gzip (the body is timed to its last byte, not inflated).
    const unparsed = { parse: false, headers: { 'accept-encoding': 'gzip' } };
    const peIds = wideTopology(o.functions).map((p) => p.id);
    const expectOk = (r, what) => {
      if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      return r;
    };
    const first = expectOk(await http.call('GET', '/v1/hosts', undefined, token), 'GET /v1/hosts');
    if (first.body.length !== o.hosts) throw new Error(`GET /v1/hosts listed ${first.body.length} hosts`);
    const page = expectOk(
      await http.call('GET', `/v1/hosts/${hostIdOf(0)}/pes/${peIds[0]}`, undefined, token),
      'PE page',
    );
    if (page.body.id !== peIds[0] || page.body.functions.length !== 5 || page.body.vmId === null)
      throw new Error(
        `the PE page of ${peIds[0]} is not what the fleet holds: ${JSON.stringify(page.body).slice(0, 200)}`,
      );
    const rounds = { hosts: [], pePage: [], scrape: [] };
    for (let r = 0; r < o.rounds; r++) {
      const list = await concurrentRequests(o.readers, o.requests, async () =>
        expectOk(await http.call('GET', '/v1/hosts', undefined, token, unparsed), 'GET /v1/hosts'),
      );
      rounds.hosts.push(percentiles(list.map((x) => x.ms)));
      let k = 0;
      const pages = await concurrentRequests(o.readers, o.requests, async () => {
        const i = (k++ * 7919) % o.hosts;
        const path = `/v1/hosts/${hostIdOf(i)}/pes/${peIds[i % peIds.length]}`;
        return expectOk(await http.call('GET', path, undefined, token, unparsed), `GET ${path}`);
      });
      rounds.pePage.push(percentiles(pages.map((x) => x.ms)));
      const scrapes = [];
      for (let s = 0; s < 5; s++)
        scrapes.push(expectOk(await http.call('GET', '/metrics', undefined, undefined, unparsed), 'GET /metrics').ms);
      rounds.scrape.push(summarize(scrapes).median);
    }
    const p99 = (xs) => summarize(xs.map((x) => x.p99));
    result.reads = {
      hostsP99: p99(rounds.hosts),
      hostsP50: summarize(rounds.hosts.map((x) => x.p50)),
      hostsBytes: first.bytes,
      pePageP99: p99(rounds.pePage),
      pePageP50: summarize(rounds.pePage.map((x) => x.p50)),
      // Each round reads the same pages: the first finds none kept (each a projection read),
      // the later ones read what the first kept. By round, so the two costs stay apart.
      pePageP99ByRound: rounds.pePage.map((x) => x.p99),
      scrapeMs: summarize(rounds.scrape),
      requestsPerRound: o.readers * o.requests,
    };
    result.memoryMb = run.memory();
  } catch (error) {
    run.printTails();
    throw error;
  } finally {
    http.destroy();
    await run.close({ keep: o.keep });
  }
  if (o.profile) result.profile = summarizeProfiles(run.profileDir, pidNames);
  report(result);
  return result;
}

function report(r) {
  const v = (ok) => (ok ? 'PASS' : 'MISS');
  const t = FLEET_TARGETS;
  const row = (name, s, target, ok, fmt = fmtMs) => [name, fmt(s.min), fmt(s.median), fmt(s.max), target, v(ok)];
  const mem = Object.entries(r.memoryMb);
  const worstPeak = Math.max(...mem.map(([, m]) => m.peak));
  r.verdicts = {
    memory: v(worstPeak < t.rssMb),
    hostsP99: v(r.reads.hostsP99.median < t.p99Ms),
    pePageP99: v(r.reads.pePageP99.median < t.p99Ms),
    scrape: v(r.reads.scrapeMs.median < t.scrapeMs),
  };
  const o = r.options;
  console.log(`\nfleet bench: ${fmtInt(o.hosts)} hosts x ${o.functions} functions  namespace ${r.namespace}`);
  console.log(
    `load through the pipeline: ${fmtInt(r.load.commands)} commands in ${(r.load.ms / 1000).toFixed(1)} s ` +
      `(hosts and topologies ${(r.load.topologyMs / 1000).toFixed(1)} s); ${fmtInt(r.load.decisions)} decisions, ` +
      `${fmtInt(r.load.auditRecords)} audit records`,
  );
  console.log(
    '\n' +
      table(
        ['memory after load and reads (MB)', 'rss', 'peak', 'target', ''],
        mem.map(([name, m]) => [name, fmtInt(m.rss), fmtInt(m.peak), `< ${t.rssMb}`, v(m.peak < t.rssMb)]),
      ),
  );
  console.log(
    '\n' +
      table(
        [`reads (ms) at ${o.readers} readers, over ${o.rounds} rounds`, 'min', 'median', 'max', 'target', ''],
        [
          row(
            `GET /v1/hosts p99 (${fmtInt(r.reads.hostsBytes)} B)`,
            r.reads.hostsP99,
            `< ${t.p99Ms}`,
            r.verdicts.hostsP99 === 'PASS',
          ),
          ['  p50', fmtMs(r.reads.hostsP50.min), fmtMs(r.reads.hostsP50.median), fmtMs(r.reads.hostsP50.max), '', ''],
          row('GET /v1/hosts/{h}/pes/{pe} p99', r.reads.pePageP99, `< ${t.p99Ms}`, r.verdicts.pePageP99 === 'PASS'),
          [
            '  p50',
            fmtMs(r.reads.pePageP50.min),
            fmtMs(r.reads.pePageP50.median),
            fmtMs(r.reads.pePageP50.max),
            '',
            '',
          ],
          row('GET /metrics scrape (median of 5)', r.reads.scrapeMs, `< ${t.scrapeMs}`, r.verdicts.scrape === 'PASS'),
        ],
      ),
  );
  const byRound = r.reads.pePageP99ByRound.map((ms, i) => `round ${i + 1} ${fmtMs(ms)}`).join(', ');
  console.log(`PE page p99 by round (round 1 reads pages none had opened, later rounds kept ones): ${byRound} ms`);
  if (r.profile) printProfiles(r.profile);
  const outDir = join(root, '.cache', 'bench');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'fleet.json');
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  console.log(`\nsummary: ${relative(root, file)}`);
}

runWhenMain(import.meta.url, 'fleet bench', FLEET_DEFAULTS, runFleetBench);
