import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../api/api-harness';
import { useControlPlane } from '../e2e/control-plane-harness';
import { barplaneAsync, ensureBuilt } from './run-cli-async';
import { repoRoot } from './run-cli';

// `barplane import ... --send`: an import reaches the API as provisioning does, and importing
// the same host again says what changed.
jest.setTimeout(120_000);
const cp = useControlPlane(ensureBuilt);

/** `barplane import lspci <capture> --send` to the control plane, for an x86 host with 4K pages (no token). */
const importLspci = (capture: string, hostId: string) => [
  'import',
  'lspci',
  join(repoRoot, 'test', 'fixtures', 'lspci', capture),
  '--host-id',
  hostId,
  '--platform',
  'x86_64',
  '--page-size',
  '0x1000',
  '--send',
  '--api',
  cp.api.url,
];

describe('barplane import --send (child process, real control plane)', () => {
  const hostId = `lspci-${Date.now()}`;
  const send = (file: string) => barplaneAsync([...importLspci(file, hostId), '--token', TOKENS.provisioner]);

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
    const run = await barplaneAsync(importLspci('nvme-root.txt', hostId));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--send needs --token');
  });
});

// `barplane import libvirt --send`: what `virsh dumpxml` prints becomes a VM and its PE
// assignments, checked whole against the host's PEs the API holds.
describe('barplane import libvirt --send (child process, real control plane)', () => {
  const hostId = `libvirt-${Date.now()}`;
  const fixture = readFileSync(
    join(repoRoot, 'test', 'fixtures', 'libvirt', 'debian-virsh-test-driver-q35.xml'),
    'utf8',
  );
  const dir = mkdtempSync(join(tmpdir(), 'barplane-libvirt-'));
  const domainFile = (name: string, xml: string) => {
    const file = join(dir, `${name}.xml`);
    writeFileSync(file, xml);
    return file;
  };
  // The capture's second hostdev (02:00.0) is not on the host nvme-root.txt describes.
  const oneHostdev = (vm: string) =>
    fixture
      .replace('<name>nvme-q35</name>', `<name>${vm}</name>`)
      .replace(/\s*<hostdev mode='subsystem' type='pci' managed='no'>[^]*?<\/hostdev>/, '');
  const send = (file: string) =>
    barplaneAsync([
      'import',
      'libvirt',
      file,
      '--host-id',
      hostId,
      '--send',
      '--api',
      cp.api.url,
      '--token',
      TOKENS.provisioner,
    ]);

  beforeAll(async () => {
    const imported = await barplaneAsync([...importLspci('nvme-root.txt', hostId), '--token', TOKENS.provisioner]);
    expect(imported.status).toBe(0);
  });

  it('creates the VM and assigns the PE of its hostdev, which the API then shows', async () => {
    const vm = `q35-${Date.now()}`;
    const run = await send(domainFile(vm, oneHostdev(vm)));
    expect(run.stderr).not.toContain('Error');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`created VM ${vm} on host ${hostId} (machine q35`);
    expect(run.stdout).toMatch(/assigned PE \S+ to VM \S+: 0000:01:00\.0 \(ua-nvme0\)/);
    const shown = await cp.api.call('GET', `/v1/vms/${vm}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain('0000:01:00.0');
  });

  it('refuses a domain naming a function the host does not have (exit 3), creating nothing', async () => {
    const vm = `q35-missing-${Date.now()}`;
    const run = await send(domainFile(vm, fixture.replace('<name>nvme-q35</name>', `<name>${vm}</name>`)));
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('0000:02:00.0');
    const shown = await cp.api.call('GET', `/v1/vms/${vm}`);
    expect(shown.status).toBe(404);
  });
});
