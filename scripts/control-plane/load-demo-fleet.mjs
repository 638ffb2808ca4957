// Loads the demo hosts (demo/*.json, scenario format) through the API, as provisioning would:
// register the host, import its topology, create its VM, give it the PEs, program guest BARs.
// Safe to run again: what exists already is left as it is.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function loadDemoFleet(apiUrl, token, demoDir, log = console.log) {
  const call = async (method, path, body) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const must = (what, r, ok = [200, 201]) => {
    if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const files = readdirSync(demoDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of files) {
    const s = JSON.parse(readFileSync(join(demoDir, file), 'utf8'));
    const hostId = s.host.id;
    must(`register ${hostId}`, await call('POST', '/v1/hosts', s.host));
    must(
      `topology of ${hostId}`,
      await call('PUT', `/v1/hosts/${encodeURIComponent(hostId)}/topology`, { pes: s.pes }),
    );
    if (s.vm) {
      const { id, guestBars = [], assignedPes, ...vm } = s.vm;
      must(`VM ${id}`, await call('POST', '/v1/vms', { ...vm, id, hostId }), [201, 409]);
      for (const peId of assignedPes ?? s.pes.map((p) => p.id)) {
        must(
          `assign ${peId} to ${id}`,
          await call('POST', `/v1/vms/${encodeURIComponent(id)}/assignments`, { peId }),
          [200, 201],
        );
      }
      if (guestBars.length)
        must(`guest BARs of ${id}`, await call('PUT', `/v1/vms/${encodeURIComponent(id)}/guest-bars`, guestBars));
    }
    log(`demo: ${hostId} (${s.pes.length} PEs${s.vm ? `, VM ${s.vm.id}` : ''}) loaded from demo/${file}`);
  }
}
