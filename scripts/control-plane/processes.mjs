// Runs each service as its own Node process under a supervisor (restarted when it dies),
// prefixes its output, stops them all on request.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { supervise } from './supervisor.mjs';

export const SERVICES = ['pe-registry', 'vfio-regions', 'guest-memory', 'projector', 'api'];

/**
 * Every service collects garbage on its own thread (--single-threaded-gc): the five services,
 * PostgreSQL and Kafka share the machine's cores, and V8's parallel GC helpers only compete for
 * them (pipeline bench on 2 cores, 3 interleaved pairs: projector CPU per 10k events 3.6 ->
 * 3.1 s, throughput 1,890 -> 2,030/s on average; run-to-run noise there is +-20 %).
 * The projector runs the engine on every event and allocates many short-lived objects: a
 * larger young generation (32 MB semi-spaces; 16 cost the pipeline bench 1.02 -> 1.33 ms of CPU
 * per command at full speed; 64 measured ~0.86 -> ~0.95 M BAR decisions/s on the bench scenario
 * but cost 64 MB more) cuts its scavenges. Short-lived processes (the CLI) are faster with the
 * smallest young generation (bin/barplane.js).
 */
const SHARED_FLAGS = ['--single-threaded-gc'];
export const NODE_FLAGS = {
  ...Object.fromEntries(SERVICES.map((name) => [name, SHARED_FLAGS])),
  // A heap ceiling: left to itself V8 let a projector that holds 150 MB of live hosts grow to
  // 1.6 GB of uncollected garbage while loading 1,000 hosts (scripts/bench/fleet.mjs). About
  // 110 MB of its RSS is not V8 heap (the binary, malloc), and the heap's live set ends near
  // 200 MB (the host cache ~120 MB): 32 MB semi-spaces under a 384 MB ceiling peaked at 538 MB,
  // under 300 at 457 MB; 16 under 300 at ~430 MB but ~30 % less pipeline throughput.
  projector: [...SHARED_FLAGS, '--max-semi-space-size=32', '--max-old-space-size=300'],
};

/**
 * Starts every service as its own process under a supervisor (supervisor.mjs): a service that
 * dies is restarted with backoff, and the console says which, how it ended and when it comes
 * back. `instances` runs more than one process of a service (`{ projector: 2 }`: `projector`
 * and `projector#2`, one consumer group, each owning whole hosts). `children` holds each
 * process's current child. stop() ends them all: SIGTERM (graceful: finish the batch, commit,
 * exit), SIGKILL after 20 s, and no restart. `logLine`, if given, receives every line of
 * every process (and the supervisor's), prefixed, whether `quiet` or not.
 */
export function startServices(root, env, { quiet = false, backoff, instances = {}, logLine } = {}) {
  const runs = SERVICES.flatMap((service) =>
    Array.from({ length: instances[service] ?? 1 }, (_, i) => ({
      service,
      name: i === 0 ? service : `${service}#${i + 1}`,
    })),
  );
  const width = Math.max(15, ...runs.map((r) => r.name.length + 3));
  const children = runs.map(({ service, name }) => {
    const prefix = `[${name}]`.padEnd(width);
    const supervised = supervise({
      name,
      backoff,
      spawn: () =>
        spawn(
          process.execPath,
          [...(NODE_FLAGS[service] ?? []), join(root, 'dist', 'apps', service, 'src', 'main.js')],
          {
            cwd: root,
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        ),
      onSpawn: (child) => {
        for (const stream of [child.stdout, child.stderr]) {
          let buffered = '';
          stream.on('data', (chunk) => {
            buffered += chunk;
            const lines = buffered.split('\n');
            buffered = lines.pop();
            for (const line of lines) {
              if (!line.trim()) continue;
              if (!quiet) console.log(prefix + line);
              logLine?.(prefix + line);
            }
          });
        }
      },
      // Deaths and restarts are said even when the services' own output is not.
      log: (line) => {
        console.error(`${prefix}${line}`);
        logLine?.(`${prefix}${line}`);
      },
    });
    return {
      name,
      service,
      get child() {
        return supervised.child;
      },
      supervised,
    };
  });
  return {
    children,
    async stop() {
      await Promise.all(children.map(({ supervised }) => supervised.stop()));
    },
  };
}

/**
 * Polls GET /health (readiness) until it answers 200, or until every process is up (PostgreSQL
 * and Kafka answer, each service beats and its consumers run) while something left from before
 * keeps it at 503, such as messages in a dead-letter topic: then it says what, and returns. Bounded.
 */
export async function waitForHealth(url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'the API does not answer';
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
      const body = await res.json().catch(() => undefined);
      const down = Object.entries(body?.error ?? {}).map(([name, c]) => `${name}: ${c.reason ?? c.message ?? 'down'}`);
      last = down.join('; ') || `HTTP ${res.status}`;
      if (res.status === 503 && everyProcessUp(body)) {
        console.warn(`the control plane is up but not ready: ${last}`);
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the API did not become ready at ${url} within ${timeoutMs / 1000} s: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function everyProcessUp(body) {
  const details = body?.details ?? {};
  if (details.database?.status !== 'up' || details.kafka?.status !== 'up') return false;
  return SERVICES.filter((name) => name !== 'api').every((name) => {
    const service = details[name];
    return service?.instances > 0 && (service.consumers ?? []).every((c) => c.state === 'running');
  });
}
