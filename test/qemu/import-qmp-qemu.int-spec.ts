import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QmpClient, QmpPciDevice, allDevices } from '@barplane/importers';
import { barplaneAsync, ensureBuilt } from '../cli/run-cli-async';
import { repoRoot } from '../cli/run-cli';
import { MirrorVm, PSERIES_P9, Q35_DL360, mapFlags } from './demo-mirrors';
import { QEMU, RunningVm, everyBarMapped, pollQueryPci, startQemu, waitForConsole } from './qemu-vm';

// `barplane import qmp` against real QEMU (Debian's, TCG): q35 with SeaBIOS, which programs every
// BAR before any kernel runs, and pseries with SLOF alone, which leaves every BAR it does not
// boot from undecoded (-1). The body must be exactly what query-pci reports.
jest.setTimeout(90_000);
beforeAll(() => ensureBuilt());

/** `barplane import qmp` of a running mirror VM's QMP socket, its devices mapped to the demo functions. */
const importQmp = (vm: RunningVm, id: string, m: MirrorVm) => [
  'import',
  'qmp',
  '--socket',
  vm.socket,
  '--vm',
  id,
  ...mapFlags(m),
];

const toHexAddress = (a: bigint | null) => (a === null ? null : '0x' + a.toString(16));

/** What the body must hold: every memory BAR 0..5 of each mapped device, as query-pci says. */
function expectedBars(devices: readonly QmpPciDevice[], map: Readonly<Record<string, string>>) {
  return allDevices(devices)
    .filter((d) => map[d.qdevId] !== undefined)
    .flatMap((d) =>
      d.regions
        .filter((r) => r.type === 'memory' && r.bar < 6)
        .map((r) => ({ bdf: map[d.qdevId], index: r.bar, address: toHexAddress(r.address) })),
    )
    .sort((a, b) => (a.bdf < b.bdf ? -1 : a.bdf > b.bdf ? 1 : a.index - b.index));
}

describe('barplane import qmp on q35 (SeaBIOS)', () => {
  let vm: RunningVm;
  beforeAll(async () => {
    // rp2 is an empty root port for the hot-plug below.
    vm = await startQemu(QEMU.x86, [
      ...Q35_DL360.machineArgs,
      ...Q35_DL360.deviceArgs,
      '-device',
      'pcie-root-port,id=rp2,chassis=2',
    ]);
  });
  afterAll(() => vm?.stop());

  it('records exactly the guest BARs query-pci reports once SeaBIOS has placed them', async () => {
    const devices = await pollQueryPci(vm.testSocket, everyBarMapped, 30_000);
    expect(everyBarMapped(devices)).toBe(true);
    const run = await barplaneAsync(importQmp(vm, 'x86-guest', Q35_DL360));
    expect(run.stderr).toContain(
      'guest device 01:00.0 (Ethernet controller, id "e1") has no host function mapped: left out',
    );
    expect(run.status).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body).toEqual({ vmId: 'x86-guest', bars: expectedBars(devices, Q35_DL360.map) });
    // Both mirrored functions' BAR0, placed by SeaBIOS in the 32-bit window, naturally aligned.
    expect(body.bars.map((b: { bdf: string; index: number }) => `${b.bdf}/${b.index}`)).toEqual([
      '0000:03:00.0/0',
      '0000:04:00.0/0',
    ]);
    expect(BigInt(body.bars[0].address) % 0x80000n).toBe(0n);
  });

  it('--watch prints the first body, then a new one when a device is hot-plugged, and ends when QEMU quits', async () => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin', 'barplane.js'),
        ...importQmp(vm, 'x86-guest', Q35_DL360),
        '--map',
        'hot=0000:05:00.0',
        '--watch',
        '--interval',
        '1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const bodies = () =>
      stdout
        .split(/\n(?=\{)/)
        .filter((s) => s.trim() !== '')
        .map((s) => JSON.parse(s));
    const until = async (what: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!what()) {
        if (Date.now() > deadline) throw new Error(`timed out; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(() => bodies().length === 1);
    expect(stderr).toContain('device id "hot" (mapped to 0000:05:00.0) is not in query-pci');
    // Hot-plug into the empty root port through the test's own monitor. QEMU 7.2 sends no
    // DEVICE_ADDED event (only DEVICE_DELETED exists there), so the interval finds it; the new
    // device's BAR is not placed by any guest yet (null).
    const qmp = await QmpClient.connect(vm.testSocket);
    try {
      await qmp.execute('device_add', { driver: 'nvme', id: 'hot', serial: 'hot', bus: 'rp2' });
      await until(() => bodies().length === 2);
      const second = bodies()[1];
      expect(second.bars.filter((b: { bdf: string }) => b.bdf === '0000:05:00.0')).toEqual([
        { bdf: '0000:05:00.0', index: 0, address: null },
      ]);
      expect(second.bars.filter((b: { bdf: string }) => b.bdf !== '0000:05:00.0')).toEqual(bodies()[0].bars);
      await qmp.execute('quit').catch(() => undefined);
    } finally {
      qmp.close();
    }
    // QEMU quit: the watch ends by itself, exit 0.
    expect(await exited).toBe(0);
  });
});

describe('barplane import qmp on pseries (SLOF alone)', () => {
  let vm: RunningVm;
  beforeAll(async () => {
    vm = await startQemu(QEMU.ppc64, [...PSERIES_P9.machineArgs, ...PSERIES_P9.deviceArgs]);
  });
  afterAll(() => vm?.stop());

  it('reports every BAR null: with nothing to boot SLOF leaves no device decoded (query-pci -1)', async () => {
    // SLOF probes every device, tries to boot, then waits at its prompt.
    await waitForConsole(vm, 'Ready!', 60_000);
    const devices = await pollQueryPci(vm.testSocket, () => true, 0);
    expect(allDevices(devices).flatMap((d) => d.regions.map((r) => r.address))).toEqual([null, null, null, null]);
    const run = await barplaneAsync(importQmp(vm, 'p9-guest', PSERIES_P9));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      vmId: 'p9-guest',
      bars: [
        { bdf: '0001:03:00.0', index: 0, address: null },
        { bdf: '0001:03:00.0', index: 2, address: null },
      ],
    });
    expect(run.stderr).toContain('id "shm") has no host function mapped');
  });
});

describe('barplane import qmp: bad input (exit 2, nothing on stdout)', () => {
  it('names every problem', async () => {
    // Both --socket and --file, no --vm, a function number above 7, a zero interval.
    const bothSources = ['--socket', '/nonexistent', '--file', 'x.json'];
    const run = await barplaneAsync(['import', 'qmp', ...bothSources, '--map', 'a=0000:01:00.9', '--interval', '0']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    for (const path of ['--socket|--file', '--vm', '--interval', '--map[0]'])
      expect(run.stderr).toContain(`barplane import qmp: ${path}: `);
  });

  it('refuses a file that is not a query-pci answer', async () => {
    const run = await barplaneAsync(['import', 'qmp', '--file', join(repoRoot, 'package.json'), '--vm', 'v']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('$: not the return value of query-pci');
  });
});
