// `npm start`: install what is missing, build, bring up Kafka and PostgreSQL (scripts/infra),
// run every service as its own process (pe-registry, vfio-regions, guest-memory, projector,
// api), load the demo fleet through the API, print the URLs and tokens. Ctrl-C stops what it
// started. `--once` loads the fleet, prints the POWER9 plan, and stops (a smoke run).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

const once = process.argv.includes('--once');
ensureInstalled();
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const infra = await import('./infra/index.mjs');
const { writeTokens } = await import('./control-plane/tokens.mjs');
const { startServices, waitForHealth } = await import('./control-plane/processes.mjs');
const { loadDemoFleet } = await import('./control-plane/load-demo-fleet.mjs');

const before = await infra.status({ quiet: true });
const wasUp = before.kafka.running && before.postgres.running;
const env = await infra.up();
const port = process.env.PORT ?? '8080';
const apiUrl = `http://127.0.0.1:${port}`;
const tokensFile = join(root, '.run', 'tokens.json');
const tokens = writeTokens(tokensFile);
const services = startServices(root, {
  KAFKA_BROKERS: env.kafkaBrokers,
  DATABASE_URL: env.databaseUrl,
  BARPLANE_TOKENS_FILE: tokensFile,
  PORT: port,
});

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the services...');
  await services.stop();
  if (!wasUp) await infra.down();
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  await waitForHealth(apiUrl);
  await loadDemoFleet(apiUrl, tokens.provisioner, join(root, 'demo'));
} catch (error) {
  console.error(`npm start: ${error.message}`);
  await stop(1);
}

console.log(`
barplane is running.
  dashboard  ${apiUrl}/            (paste a token)
  API        ${apiUrl}/v1/hosts
  OpenAPI    ${apiUrl}/docs
  health     ${apiUrl}/health      (readiness, per component; liveness: /health/live)   metrics ${apiUrl}/metrics
  tokens     operator    ${tokens.operator}
             provisioner ${tokens.provisioner}
             viewer      ${tokens.viewer}
             auditor     ${tokens.auditor}
  try        curl -H 'Authorization: Bearer ${tokens.viewer}' ${apiUrl}/v1/decisions?host=p9-zz
             npx barplane plan demo/power9-powernv.json --format table
A service that dies is restarted (with backoff, said here). Ctrl-C stops everything this run started.`);

if (once) {
  const res = await fetch(`${apiUrl}/v1/hosts`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
  for (const h of await res.json()) {
    const c = h.coverage;
    const idle = c.notAssigned.bars > 0 ? `; ${c.notAssigned.bars} BARs of functions given to no VM` : '';
    const share = c.byteShare === null ? 'no BAR given to a VM' : `byte share ${c.byteShare}`;
    console.log(`${h.id}: ${c.bars.fastPath}/${c.bars.total} assigned BARs on the fast path, ${share}${idle}`);
  }
  await stop(0);
}
