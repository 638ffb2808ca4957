// Runs each service as its own Node process, prefixes its output, stops them all on request.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const SERVICES = ['pe-registry', 'vfio-regions', 'guest-memory', 'projector', 'api'];

/**
 * Every service collects garbage on its own thread (--single-threaded-gc): the five services,
 * PostgreSQL and Kafka share the machine's cores, and V8's parallel GC helpers only compete for
 * them (pipeline bench on 2 cores, 3 interleaved pairs: projector CPU per 10k events 3.6 ->
 * 3.1 s, throughput 1,890 -> 2,030/s on average; run-to-run noise there is +-20 %).
 * The projector runs the engine on every event and allocates many short-lived objects: a
 * larger young generation (64 MB semi-spaces) cuts its scavenges (measured: ~0.86 -> ~0.95 M
 * BAR decisions/s on the bench scenario). Short-lived processes (the CLI) are faster without.
 */
const SHARED_FLAGS = ['--single-threaded-gc'];
export const NODE_FLAGS = {
  ...Object.fromEntries(SERVICES.map((name) => [name, SHARED_FLAGS])),
  projector: [...SHARED_FLAGS, '--max-semi-space-size=64'],
};

export function startServices(root, env, { quiet = false } = {}) {
  const children = SERVICES.map((name) => {
    const child = spawn(process.execPath, [...(NODE_FLAGS[name] ?? []), join(root, 'dist', 'apps', name, 'src', 'main.js')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${name}]`.padEnd(15);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        if (!quiet) for (const line of lines) if (line.trim()) console.log(prefix + line);
      });
    }
    child.on('exit', (code, signal) => {
      if (!child.stopping) console.error(`${prefix}exited (${signal ?? code}) unexpectedly`);
    });
    return { name, child };
  });
  return {
    children,
    /** SIGTERM every service (graceful: finish the batch, commit, exit), SIGKILL after 20 s. */
    async stop() {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.stopping = true;
              const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Polls GET /health until it answers 200 (bounded). */
export async function waitForHealth(url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API did not become healthy at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
