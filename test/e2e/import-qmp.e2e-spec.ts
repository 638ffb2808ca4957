import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planScenario, planToJson } from '@barplane/domain';
import { readScenario } from '@barplane/contracts';
import { TOKENS } from '../api/api-harness';
import { barplaneAsync, ensureBuilt } from '../cli/run-cli-async';
import { repoRoot } from '../cli/run-cli';
import { MirrorVm, PSERIES_P9, Q35_DL360, mapFlags } from '../qemu/demo-mirrors';
import { GUEST_READY, pseriesGuest } from '../qemu/pseries-guest';
import { QEMU, RunningVm, everyBarMapped, pollQueryPci, startQemu, waitForConsole } from '../qemu/qemu-vm';
import { useControlPlane } from './control-plane-harness';

// `barplane import qmp --send` end to end: a real QEMU guest places the BARs (SeaBIOS on q35; a
// Debian ppc64el kernel on pseries), barplane reads them over QMP and sends them as one
// ProgramGuestBars, and the control plane's decisions become what `barplane plan` says for
// those guest addresses. The pseries run boots a kernel under TCG (about 20 s; the first run
// also fetches the kernel into .cache/conformance).
jest.setTimeout(600_000);
const cp = useControlPlane(ensureBuilt);

type Decision = { bdf: string; index: number; mode: string; reasons: string[]; pe: string };
const demo = (file: string) => JSON.parse(readFileSync(join(repoRoot, 'demo', file), 'utf8'));

/** Registers the demo host under a fresh id, creates its VM and gives it `pes`. */
async function provision(
  file: string,
  pes: string[],
): Promise<{ hostId: string; vmId: string; scenario: ReturnType<typeof demo> }> {
  const scenario = demo(file);
  const hostId = `${scenario.host.id}-qmp-${Date.now()}`;
  const vmId = `${hostId}-vm`;
  const { api } = cp;
  expect(
    (await api.call('POST', '/v1/hosts', { role: 'provisioner', body: { ...scenario.host, id: hostId } })).status,
  ).toBe(201);
  expect(
    (await api.call('PUT', `/v1/hosts/${hostId}/topology`, { role: 'provisioner', body: { pes: scenario.pes } }))
      .status,
  ).toBe(200);
  const { guestBars: _g, id: _i, assignedPes: _a, ...vm } = scenario.vm;
  expect((await api.call('POST', '/v1/vms', { role: 'provisioner', body: { ...vm, id: vmId, hostId } })).status).toBe(
    201,
  );
  for (const peId of pes)
    expect(
      (await api.call('POST', `/v1/vms/${vmId}/assignments`, { role: 'provisioner', body: { peId } })).status,
    ).toBe(201);
  return { hostId, vmId, scenario };
}

/** The decisions `barplane plan` makes for the same facts with `guestBars`. */
function planned(
  scenario: ReturnType<typeof demo>,
  hostId: string,
  vmId: string,
  pes: string[],
  guestBars: { bdf: string; index: number; address: string | null }[],
) {
  const read = readScenario(
    JSON.stringify({
      ...scenario,
      host: { ...scenario.host, id: hostId },
      vm: { ...scenario.vm, id: vmId, assignedPes: pes, guestBars: guestBars.filter((b) => b.address !== null) },
    }),
  );
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return (planToJson(planScenario(read.scenario)) as { bars: Decision[] }).bars;
}

async function sendAndCompare(vm: RunningVm, mirror: MirrorVm, file: string, pes: string[]) {
  const { hostId, vmId, scenario } = await provision(file, pes);
  const fields = (d: Decision) => ({ bdf: d.bdf, index: d.index, mode: d.mode, reasons: d.reasons });
  const mirrored = (d: Decision) => Object.values(mirror.map).includes(d.bdf);
  const before = ((await cp.api.call('GET', `/v1/decisions?host=${hostId}`)).body as Decision[]).filter(mirrored);
  expect(before.filter((d) => d.index < 6).every((d) => d.mode === 'PENDING' || d.mode === 'EMULATED')).toBe(true);

  const printed = await barplaneAsync(['import', 'qmp', '--socket', vm.socket, '--vm', vmId, ...mapFlags(mirror)]);
  expect(printed.status).toBe(0);
  const body = JSON.parse(printed.stdout);
  const sent = await barplaneAsync([
    'import',
    'qmp',
    '--socket',
    vm.socket,
    '--vm',
    vmId,
    ...mapFlags(mirror),
    '--send',
    '--api',
    cp.api.url,
    '--token',
    TOKENS.provisioner,
  ]);
  expect(sent.stderr).not.toContain('PUT /v1');
  expect(sent.status).toBe(0);
  expect(sent.stdout).toMatch(new RegExp(`^${vmId}: ${body.bars.length} guest BARs .*: applied`));

  const served = await cp.api.call('GET', `/v1/vms/${vmId}`);
  expect(JSON.stringify(served.body)).toContain(body.bars[0].address);
  const after = ((await cp.api.call('GET', `/v1/decisions?host=${hostId}`)).body as Decision[]).filter(mirrored);
  expect(after.map(fields)).toEqual(planned(scenario, hostId, vmId, pes, body.bars).filter(mirrored).map(fields));
  return { before, after, body };
}

describe('barplane import qmp --send (real QEMU, real control plane)', () => {
  it('q35 with SeaBIOS: the guest BARs reach the VM and the decisions leave PENDING as barplane plan says', async () => {
    const vm = await startQemu(QEMU.x86, [...Q35_DL360.machineArgs, ...Q35_DL360.deviceArgs]);
    try {
      expect(everyBarMapped(await pollQueryPci(vm.testSocket, everyBarMapped, 30_000))).toBe(true);
      const { after } = await sendAndCompare(vm, Q35_DL360, 'x86-kvm.json', ['iommu-11', 'iommu-12']);
      const optane = after.find((d) => d.bdf === '0000:04:00.0' && d.index === 0)!;
      expect(optane.mode).toBe('PARTIAL_DIRECT');
      // The 82599's BAR4 has no mirror in the guest: it stays PENDING.
      expect(after.find((d) => d.bdf === '0000:03:00.0' && d.index === 4)!.reasons).toContain('GUEST_BAR_UNMAPPED');
    } finally {
      await vm.stop();
    }
  });

  it('pseries with a Debian ppc64el 64K kernel: every BAR at a 64K boundary, the NVMe BAR0 page-expanded', async () => {
    const guest = pseriesGuest();
    const started = Date.now();
    const vm = await startQemu(QEMU.ppc64, [
      ...PSERIES_P9.machineArgs,
      ...PSERIES_P9.deviceArgs,
      '-kernel',
      guest.kernel,
      '-initrd',
      guest.initrd,
      '-append',
      'console=hvc0 panic=0',
      '-action',
      'panic=pause',
    ]);
    try {
      await waitForConsole(vm, GUEST_READY, 240_000);
      const devices = await pollQueryPci(vm.testSocket, everyBarMapped, 30_000);
      expect(everyBarMapped(devices)).toBe(true);
      process.stdout.write(
        `pseries guest (${guest.release}) ready after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      const { body, after } = await sendAndCompare(vm, PSERIES_P9, 'power9-powernv.json', ['0001:03']);
      expect(body.bars.map((b: { index: number }) => b.index)).toEqual([0, 2]);
      for (const b of body.bars) expect(BigInt(b.address) % 0x10000n).toBe(0n);
      expect(after.find((d) => d.index === 0)).toMatchObject({
        mode: 'DIRECT_PAGE_EXPANDED',
        reasons: ['EXPANDED_TO_PAGE'],
      });
    } finally {
      await vm.stop();
    }
  });
});
