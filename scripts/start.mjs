// `npm start`: install what is missing, build, bring up Kafka and PostgreSQL (scripts/infra),
// then plan the bundled demo fleet (demo/*.json) with `barplane plan --format table`.
// The event-sourced services join here with the control-plane issue. The infrastructure stays
// up until Ctrl-C, which stops what this run started. `--once` plans and exits.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

const once = process.argv.includes('--once');
ensureInstalled();
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const infra = await import('./infra/index.mjs');
const before = await infra.status({ quiet: true });
const wasUp = before.kafka.running && before.postgres.running;
const env = await infra.up();

// POWER9 first: the 64K host with small BARs this project is about.
const demo = join(root, 'demo');
const hosts = readdirSync(demo)
  .filter((f) => f.endsWith('.json'))
  .sort((a, b) => (a.startsWith('power9') ? -1 : b.startsWith('power9') ? 1 : a < b ? -1 : 1));
for (const file of hosts) {
  console.log(`\n=== barplane plan demo/${file} --format table`);
  spawnSync(process.execPath, ['bin/barplane.js', 'plan', join(demo, file), '--format', 'table'], { cwd: root, stdio: 'inherit' });
}

console.log(`\nKafka:      ${env.kafkaBrokers}`);
console.log(`PostgreSQL: ${env.databaseUrl}`);
console.log('Try:        npx barplane plan demo/power9-powernv.json --format table');

async function stop() {
  if (!wasUp) await infra.down();
  process.exit(0);
}
if (once) await stop();
else {
  console.log('\nInfrastructure is up; Ctrl-C stops what this run started.');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
