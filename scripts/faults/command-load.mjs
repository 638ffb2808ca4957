// A steady command load through the API, as provisioning and operators make it while faults
// happen: one loop per host, its commands one after another. Every command carries an
// Idempotency-Key and is sent again with the same key until the API answers it (a network
// error, a 5xx or a 503 while something is down is not an answer), as a provisioner must.
// Each answered command is kept with its id (X-Correlation-Id is the command id when the
// request names no correlation), for the checks afterwards.
import { randomUUID } from 'node:crypto';

const RETRY_MS = 500;
/** A request that has not been answered after this long is given up (and not counted as acknowledged). */
const GIVE_UP_MS = 180_000;

/**
 * @param {object} o
 * @param {string} o.apiUrl
 * @param {string} o.token a token with the operator and provisioner roles
 * @param {{ id: string, pes: { id: string }[], vm?: { id: string, assignedPes?: string[] } }[]} o.hosts the demo hosts,
 * as loaded
 */
export function startCommandLoad({ apiUrl, token, hosts }) {
  const acknowledged = [];
  const stats = { requests: 0, resent: 0, refusedAtTheEdge: 0, givenUp: 0 };
  let stopping = false;

  async function send(hostId, op, method, path, body) {
    const key = randomUUID();
    const started = Date.now();
    for (;;) {
      stats.requests += 1;
      try {
        const res = await fetch(apiUrl + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status < 500) {
          const answer = text ? JSON.parse(text) : {};
          const commandId = answer.commandId ?? res.headers.get('x-correlation-id');
          // A 4xx before the command was published (no id) is the edge refusing it, not a command.
          if (commandId)
            acknowledged.push({
              commandId,
              hostId,
              op,
              httpStatus: res.status,
              status: answer.status ?? answer.code ?? 'refused',
            });
          else stats.refusedAtTheEdge += 1;
          return { status: res.status, body: answer };
        }
      } catch {
        // Not answered (connection refused or reset, timeout): send again with the same key.
      }
      if (Date.now() - started > GIVE_UP_MS) {
        stats.givenUp += 1;
        return { status: 0 };
      }
      stats.resent += 1;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  async function hostLoop(host) {
    const h = encodeURIComponent(host.id);
    const held = new Set(host.vm ? (host.vm.assignedPes ?? host.pes.map((p) => p.id)) : []);
    const free = host.pes.map((p) => p.id).filter((id) => !held.has(id));
    const overrides = ['page', 'none', 'auto'];
    for (let n = 0; !stopping; n++) {
      const pe = host.pes[n % host.pes.length].id;
      await send(host.id, 'set-alignment', 'PUT', `/v1/hosts/${h}/pes/${encodeURIComponent(pe)}/alignment`, {
        override: overrides[n % 3],
      });
      if (free.length > 0) {
        // A new VM takes a free PE and gives it back.
        const vmId = `load-${host.id}-${n}`;
        const peId = free[n % free.length];
        const created = await send(host.id, 'create-vm', 'POST', '/v1/vms', { id: vmId, hostId: host.id });
        if (created.status === 201) {
          await send(host.id, 'assign-pe', 'POST', `/v1/vms/${vmId}/assignments`, { peId });
          await send(host.id, 'release-pe', 'DELETE', `/v1/vms/${vmId}/assignments/${encodeURIComponent(peId)}`);
        }
      } else if (host.vm && held.size > 0) {
        // The demo VM gives one of its PEs back and takes it again.
        const peId = [...held][n % held.size];
        const vm = encodeURIComponent(host.vm.id);
        await send(host.id, 'release-pe', 'DELETE', `/v1/vms/${vm}/assignments/${encodeURIComponent(peId)}`);
        await send(host.id, 'assign-pe', 'POST', `/v1/vms/${vm}/assignments`, { peId });
      }
      if (n % 4 === 3) await send(host.id, 'import-topology', 'PUT', `/v1/hosts/${h}/topology`, { pes: host.pes });
    }
  }

  const loops = hosts.map((host) => hostLoop(host));
  return {
    acknowledged,
    stats,
    /** Lets each loop finish the command it is sending (answered or given up), then stops. */
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
