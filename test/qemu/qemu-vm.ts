import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient, QmpPciDevice, allDevices, queryPci } from '@barplane/importers';

/** Debian's QEMU binaries (qemu-system-x86, qemu-system-ppc); scripts/ensure-qemu.mjs installs them. */
export const QEMU = { x86: '/usr/bin/qemu-system-x86_64', ppc64: '/usr/bin/qemu-system-ppc64' } as const;

export function requireQemu(binary: string): void {
  if (!existsSync(binary))
    throw new Error(`${binary} is missing: run \`node scripts/ensure-qemu.mjs\` as root (npm test does)`);
}

/** A QEMU under TCG with its QMP socket and serial console in a temp dir of its own. */
export interface RunningVm {
  /** The QMP socket barplane is given. */
  readonly socket: string;
  /** A second QMP monitor for the test itself (a QMP socket serves one client at a time). */
  readonly testSocket: string;
  readonly dir: string;
  /** What the guest wrote on its serial console so far. */
  console(): string;
  stop(): Promise<void>;
}

export async function startQemu(binary: string, args: readonly string[]): Promise<RunningVm> {
  requireQemu(binary);
  const dir = mkdtempSync(join(tmpdir(), 'barplane-qemu-'));
  const socket = join(dir, 'qmp.sock');
  const testSocket = join(dir, 'qmp-test.sock');
  const serial = join(dir, 'serial.log');
  const child: ChildProcess = spawn(
    binary,
    [
      '-accel',
      'tcg',
      '-nodefaults',
      '-display',
      'none',
      '-serial',
      `file:${serial}`,
      '-qmp',
      `unix:${socket},server=on,wait=off`,
      '-qmp',
      `unix:${testSocket},server=on,wait=off`,
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket) || !existsSync(testSocket)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`QEMU did not open its QMP socket: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    socket,
    testSocket,
    dir,
    console: () => (existsSync(serial) ? readFileSync(serial, 'latin1') : ''),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls query-pci until `done` holds (or the time runs out: then the last answer is returned as
 * it is, for the test to fail on); one QMP connection, closed after.
 */
export async function pollQueryPci(
  socket: string,
  done: (devices: readonly QmpPciDevice[]) => boolean,
  timeoutMs: number,
): Promise<readonly QmpPciDevice[]> {
  const client = await QmpClient.connect(socket);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const devices = await queryPci(client);
      if (done(devices) || Date.now() > deadline) return devices;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    client.close();
  }
}

/** Every memory BAR (0..5) of the devices with a qdev id has a guest address. */
export const everyBarMapped = (devices: readonly QmpPciDevice[]): boolean =>
  allDevices(devices)
    .filter((d) => d.qdevId !== '' && d.bridged === undefined)
    .every((d) => d.regions.every((r) => r.type !== 'memory' || r.bar === 6 || r.address !== null));

/** Waits until `text` appears on the guest's serial console. */
export async function waitForConsole(vm: RunningVm, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!vm.console().includes(text)) {
    if (Date.now() > deadline)
      throw new Error(
        `the guest did not print "${text}" within ${timeoutMs} ms; console:\n${vm.console().slice(-2000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
