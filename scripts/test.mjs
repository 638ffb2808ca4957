// `npm test`: install what is missing, type-check and lint, build, bring up the real Kafka
// and PostgreSQL (scripts/infra), run the unit tier then the integration tier against them,
// and stop what this run started. Exit status is the first failing step's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

ensureInstalled();
const infra = await import('./infra/index.mjs');
const bin = (name) => join(root, 'node_modules', '.bin', name);

// Each jest tier writes its results here, so the run can end with one plain count.
const results = join(root, '.run', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const jestArgs = (tier) => ['--selectProjects', tier, '--ci', '--json', '--outputFile', join(results, `${tier}.json`)];

function step(title, cmd, args, env = {}) {
  console.log(`\n> ${title}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed (${seconds} s)`);
    return false;
  }
  console.log(`✓ ${title} (${seconds} s)`);
  return true;
}

// The conformance lab's CI subset boots real kernels under QEMU (scripts/conformance.mjs):
// BARPLANE_CONFORMANCE=skip leaves it out of a developer's loop; CI always runs it.
function conformance() {
  if (process.env.BARPLANE_CONFORMANCE === 'skip') {
    console.log('\n> conformance lab skipped (BARPLANE_CONFORMANCE=skip)');
    return true;
  }
  return step('conformance lab, CI subset (real kernels under QEMU)', process.execPath, [
    'scripts/conformance.mjs',
    '--subset',
    'ci',
  ]);
}

let ok =
  step('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) &&
  // The dashboard runs in the browser: its own project, with the DOM types (apps/api/src/dashboard/web).
  step('type-check, dashboard', bin('tsc'), ['-p', 'apps/api/src/dashboard/web/tsconfig.json']) &&
  step('format (Prettier, .prettierrc.json)', bin('prettier'), [
    '--check',
    '--log-level',
    'warn',
    '**/*.{ts,js,mjs}',
  ]) &&
  step('lint (and lines of at most 120 characters)', bin('eslint'), ['.']) &&
  step('build', process.execPath, ['scripts/build.mjs']) &&
  step('unit tests', bin('jest'), jestArgs('unit')) &&
  conformance();

if (ok) {
  // Leave alone infrastructure that was already up before this run (a developer's `npm start`).
  const before = await infra.status({ quiet: true });
  const wasUp = before.kafka.running && before.postgres.running;
  let env;
  try {
    console.log('\n> infrastructure up');
    env = await infra.up();
  } catch (error) {
    console.error(`✗ infrastructure failed: ${error.message}`);
    ok = false;
  }
  if (env) {
    const real = { KAFKA_BROKERS: env.kafkaBrokers, DATABASE_URL: env.databaseUrl, NODE_ENV: 'test' };
    ok =
      step('QEMU for the tests that start real VMs (Debian packages)', process.execPath, ['scripts/ensure-qemu.mjs']) &&
      step('integration tests (real Kafka and PostgreSQL)', bin('jest'), [...jestArgs('int'), '--runInBand'], real) &&
      step('Chromium for the browser tests (Debian package)', process.execPath, ['scripts/ensure-chromium.mjs']) &&
      step(
        'end-to-end tests (real Kafka and PostgreSQL, headless Chromium)',
        bin('jest'),
        [...jestArgs('e2e'), '--runInBand'],
        real,
      );
  }
  if (!wasUp) await infra.down().catch((error) => console.error(`infra down: ${error.message}`));
}

// The fault run (scripts/faults.mjs) brings its own broker and database, so it runs after the
// shared ones are down, with the machine's cores to itself. BARPLANE_FAULTS=skip leaves it out of
// a developer's loop and =quick shortens its outages; CI runs it in full (about 4 minutes).
function faults() {
  const mode = process.env.BARPLANE_FAULTS;
  if (mode === 'skip') {
    console.log('\n> fault run skipped (BARPLANE_FAULTS=skip)');
    return true;
  }
  const args = ['scripts/faults.mjs', '--no-build', ...(mode === 'quick' ? ['--quick'] : [])];
  return step(
    'fault run: SIGKILLs, Kafka and PostgreSQL outages under load (own broker and database)',
    process.execPath,
    args,
  );
}
ok = ok && faults();

let passed = 0;
let failed = 0;
for (const tier of ['unit', 'int', 'e2e', 'faults']) {
  const file = join(results, `${tier}.json`);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
console.log(ok ? '\nnpm test: all steps passed' : '\nnpm test: FAILED');
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
