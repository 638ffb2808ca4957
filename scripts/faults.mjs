// `npm run test:faults`: the control plane under routine faults, with nothing done by hand.
// On a Kafka broker and a PostgreSQL server of its own (scripts/faults/fault-infra.mjs), it runs
// every service as a process (two of each owner and of the projector, one API), loads the demo
// fleet and keeps a steady command load going (scripts/faults/command-load.mjs) while it:
//   SIGKILLs one process of each service in turn, SIGKILLs Kafka and starts it again 30 s later,
//   stops PostgreSQL for 15 s, then restarts it.
// Then it waits (bounded) for every acknowledged command to be answered, and the checks of
// test/faults/after-faults.faults-spec.ts (jest project `faults`) decide: every acknowledged
// command has its events and its decision, decisions equal `barplane plan` on the final facts,
// audit verify passes with no duplicate record, the DLQs are empty, nothing is pending, /health
// is 200. Exit status: the checks'. `--quick` shortens the outages (10 s, 5 s) for a developer.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

const quick = process.argv.includes('--quick');
const KAFKA_DOWN_MS = quick ? 10_000 : 30_000;
const POSTGRES_DOWN_MS = quick ? 5_000 : 15_000;
/** Instances of each service: two of every owner and of the projector, each owning whole hosts. */
const INSTANCES = { 'pe-registry': 2, 'vfio-regions': 2, 'guest-memory': 2, projector: 2, api: 1 };

ensureInstalled();
if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const { faultInfra, FAULTS_DIR } = await import('./faults/fault-infra.mjs');
const { startCommandLoad } = await import('./faults/command-load.mjs');
const { writeTokens } = await import('./control-plane/tokens.mjs');
const { startServices } = await import('./control-plane/processes.mjs');
const { loadDemoFleet } = await import('./control-plane/load-demo-fleet.mjs');

const t0 = Date.now();
const at = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
const say = (line) => {
  console.log(`[faults ${at()}] ${line}`);
  try {
    appendFileSync(join(FAULTS_DIR, 'services.log'), `${at()} [faults] ${line}\n`);
  } catch {
    // the run's directory is made a little later
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const infra = faultInfra({ log: (line) => say(line) });
say('starting a Kafka broker and a PostgreSQL server of its own');
await infra.up();
const port = String(18080 + (process.pid % 1000));
const apiUrl = `http://127.0.0.1:${port}`;
mkdirSync(FAULTS_DIR, { recursive: true });
const tokensFile = join(FAULTS_DIR, 'tokens.json');
const tokens = writeTokens(tokensFile);
const env = {
  KAFKA_BROKERS: infra.brokers,
  DATABASE_URL: infra.databaseUrl,
  BARPLANE_TOKENS_FILE: tokensFile,
  PORT: port,
  BARPLANE_HEARTBEAT_MS: '1000',
};
// Quick restarts: the run measures recovery, not the supervisor's patience.
// Every service's output goes to one file, each line stamped with the run's clock.
const servicesLog = join(FAULTS_DIR, 'services.log');
const logLine = (line) => appendFileSync(servicesLog, `${at()} ${line}\n`);
const services = startServices(root, env, {
  quiet: true,
  instances: INSTANCES,
  logLine,
  backoff: { initialMs: 500, maxMs: 4000, healthyAfterMs: 20_000 },
});
say(`services' output: ${servicesLog}`);

let exitCode = 1;
const timeline = [];
const mark = (what) => {
  timeline.push({ at: Math.round((Date.now() - t0) / 1000), what });
  say(what);
};
try {
  await waitReady('at start');
  const demoDir = join(root, 'demo');
  await loadDemoFleet(apiUrl, tokens.operator, demoDir, (line) => say(line));
  const hosts = readdirSync(demoDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const s = JSON.parse(readFileSync(join(demoDir, f), 'utf8'));
      return { id: s.host.id, pes: s.pes, vm: s.vm };
    });
  const load = startCommandLoad({ apiUrl, token: tokens.operator, hosts });
  mark('steady command load started (one loop per host)');
  await sleep(5000);

  for (const child of services.children.filter((c) => c.name === c.service)) {
    const pid = child.child?.pid;
    mark(`SIGKILL ${child.name} (pid ${pid})`);
    child.child?.kill('SIGKILL');
    await sleep(6000);
  }
  await waitReady('after the kills');

  mark(`SIGKILL the Kafka broker; ${KAFKA_DOWN_MS / 1000} s without it`);
  await infra.kafka.kill();
  await sleep(KAFKA_DOWN_MS);
  mark('Kafka starting again');
  await infra.kafka.start();
  mark('Kafka answers');
  await waitReady('after Kafka came back');

  mark(`PostgreSQL stopped; ${POSTGRES_DOWN_MS / 1000} s without it`);
  infra.postgres.stop();
  await sleep(POSTGRES_DOWN_MS);
  await infra.postgres.start();
  mark('PostgreSQL answers');
  await waitReady('after PostgreSQL came back');

  mark('PostgreSQL restarted (stop, start)');
  infra.postgres.stop();
  await infra.postgres.start();
  await sleep(5000);

  mark('stopping the load (each loop finishes its command)');
  await load.stop();
  mark(`load stopped: ${load.acknowledged.length} commands acknowledged, ${JSON.stringify(load.stats)}`);
  const pending = await waitAnswered(load.acknowledged, 120_000);
  mark(
    pending === 0
      ? 'every acknowledged command is answered'
      : `${pending} acknowledged commands still pending after 120 s`,
  );
  await waitReady('at the end');

  const report = join(FAULTS_DIR, 'report.json');
  writeFileSync(
    report,
    JSON.stringify(
      {
        apiUrl,
        tokens,
        databaseUrl: infra.databaseUrl,
        kafkaBrokers: infra.brokers,
        acknowledged: load.acknowledged,
        stats: load.stats,
        timeline,
      },
      null,
      2,
    ),
  );
  mark('checks (jest project faults)');
  // Results beside the other tiers', so `npm test` counts these checks too.
  const results = join(root, '.run', 'test-results');
  mkdirSync(results, { recursive: true });
  const jestArgs = [
    '--selectProjects',
    'faults',
    '--ci',
    '--runInBand',
    '--json',
    '--outputFile',
    join(results, 'faults.json'),
  ];
  const jest = spawnSync(join(root, 'node_modules', '.bin', 'jest'), jestArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FAULTS_REPORT: report, NODE_ENV: 'test' },
  });
  exitCode = jest.status ?? 1;
} catch (error) {
  say(`fault run failed: ${error.stack ?? error.message}`);
} finally {
  say("stopping the services and the run's Kafka and PostgreSQL");
  await services.stop();
  await infra.down();
  say(exitCode === 0 ? 'fault run: all checks passed' : 'fault run: FAILED');
  process.exit(exitCode);
}

/** /health 200 within 90 s, or the run goes on and says what is still down (the checks will fail on it). */
async function waitReady(when) {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < 90_000) {
    const res = await fetch(`${apiUrl}/health`).catch(() => undefined);
    if (res?.ok) {
      mark(`ready ${when}: /health 200 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    const body = await res?.json().catch(() => undefined);
    if (body?.error)
      last = Object.entries(body.error)
        .map(([name, c]) => `${name}: ${c.reason ?? 'down'}`)
        .join('; ');
    await sleep(250);
  }
  mark(`NOT ready ${when} after 90 s: ${last}`);
}

/** Polls each acknowledged command's status until none is pending, or the bound; returns how many still are. */
async function waitAnswered(acknowledged, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let open = [...new Set(acknowledged.map((a) => a.commandId))];
  while (open.length > 0 && Date.now() < deadline) {
    const still = [];
    for (const id of open) {
      const res = await fetch(`${apiUrl}/v1/commands/${id}`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
      }).catch(() => undefined);
      const body = res?.ok ? await res.json() : undefined;
      if (!body || body.status === 'pending') still.push(id);
    }
    open = still;
    if (open.length > 0) await sleep(1000);
  }
  return open.length;
}
