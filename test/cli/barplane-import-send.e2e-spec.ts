import { join } from 'node:path';
import { TOKENS } from '../api/api-harness';
import { ControlPlane, startControlPlane } from '../e2e/control-plane-harness';
import { barplaneAsync, ensureBuilt } from './run-cli-async';
import { repoRoot } from './run-cli';

// `barplane import ... --send`: an import reaches the API as provisioning does, and importing
// the same host again says what changed.
jest.setTimeout(120_000);
let cp: ControlPlane;
beforeAll(async () => {
  ensureBuilt();
  cp = await startControlPlane();
});
afterAll(() => cp?.stop());

describe('barplane import --send (child process, real control plane)', () => {
  const hostId = `lspci-${Date.now()}`;
  const send = (file: string) =>
    barplaneAsync(['import', 'lspci', join(repoRoot, 'test', 'fixtures', 'lspci', file), '--host-id', hostId, '--platform', 'x86_64', '--page-size', '0x1000', '--send', '--api', cp.api.url, '--token', TOKENS.provisioner]);

  it('registers the host and imports its functions, then reports an unchanged re-import', async () => {
    const first = await send('nvme-root.txt');
    expect(first.stderr).not.toContain('Error');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${hostId}: registered; added \\S+`));
    const again = await send('nvme-root.txt');
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe(`${hostId}: topology unchanged`);
    const host = await cp.api.call('GET', `/v1/hosts/${hostId}/pes`);
    expect(host.status).toBe(200);
    expect(host.body.length).toBeGreaterThan(0);
  });

  it('reports what a different capture changed on the same host', async () => {
    const other = await send('82599-root.txt');
    expect(other.status).toBe(0);
    expect(other.stdout).toMatch(/added .*removed /);
  });

  it('refuses --send without a token (exit 2)', async () => {
    const run = await barplaneAsync(['import', 'lspci', join(repoRoot, 'test', 'fixtures', 'lspci', 'nvme-root.txt'), '--host-id', hostId, '--platform', 'x86_64', '--page-size', '0x1000', '--send', '--api', cp.api.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--send needs --token');
  });
});
