import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScenario } from '@barplane/contracts';
import { barplane, repoRoot } from './run-cli';

// `barplane import sysfs|lspci` end to end: sysfs trees built here in a temp dir (resource,
// vendor, device, class, a binary config space with an MSI-X capability, iommu_group and
// physfn links), lspci captures in test/fixtures/lspci, and this machine's own /sys.

const lspciDir = join(repoRoot, 'test', 'fixtures', 'lspci');
const tmp = mkdtempSync(join(tmpdir(), 'barplane-import-'));

interface Res {
  start: bigint;
  size: bigint;
  flags: number;
}
interface Msix {
  capAt: number;
  vectors: number;
  tableBar: number;
  tableOffset: number;
  pbaBar: number;
  pbaOffset: number;
}
interface Fn {
  bdf: string;
  vendor: number;
  device: number;
  classCode: number;
  headerType?: number;
  /** Resource lines by index (0-5 BARs, 6 ROM, 7-12 SR-IOV or bridge windows); the rest are zero. */
  res: Record<number, Res>;
  lines?: number;
  msix?: Msix;
  /** Bytes of config space the reader gets (64 for a non-root read). */
  configBytes?: number;
  group?: number;
  physfn?: string;
}

// IORESOURCE_* (include/linux/ioport.h) plus the raw BAR type bits the kernel keeps in the low byte.
const MEM = 0x200,
  IO = 0x100,
  PREFETCH = 0x2000,
  MEM_64 = 0x100000,
  SIZEALIGN = 0x40000,
  READONLY = 0x4000;
const mem64 = (pref = false) => MEM | MEM_64 | SIZEALIGN | 0x4 | (pref ? PREFETCH | 0x8 : 0);
const mem32 = MEM | SIZEALIGN;
const rom = MEM | PREFETCH | READONLY | SIZEALIGN;

/** A function for sysfsTree: its address, ids and class, and the rest of it. */
const fn = (
  bdf: string,
  vendor: number,
  device: number,
  classCode: number,
  rest: Omit<Fn, 'bdf' | 'vendor' | 'device' | 'classCode'>,
): Fn => ({ bdf, vendor, device, classCode, ...rest });

const hex = (v: bigint | number) => '0x' + BigInt(v).toString(16).padStart(16, '0');

function resourceText(f: Fn): string {
  const lines: string[] = [];
  for (let i = 0; i < (f.lines ?? 13); i++) {
    const r = f.res[i];
    lines.push(r ? `${hex(r.start)} ${hex(r.start + r.size - 1n)} ${hex(r.flags)}` : `${hex(0)} ${hex(0)} ${hex(0)}`);
  }
  return lines.join('\n') + '\n';
}

/** A config space image: ids, class, header type, a PM capability at 0x40 chained to MSI-X. */
function configSpace(f: Fn): Buffer {
  const c = Buffer.alloc(256);
  c.writeUInt16LE(f.vendor, 0);
  c.writeUInt16LE(f.device, 2);
  c.writeUInt16LE(0x0010, 6); // Status: capability list
  c.writeUIntLE(f.classCode, 9, 3);
  c[0x0e] = f.headerType ?? 0;
  c[0x34] = 0x40;
  c[0x40] = 0x01; // Power Management
  c[0x41] = f.msix ? f.msix.capAt : 0;
  if (f.msix) {
    const m = f.msix;
    c[m.capAt] = 0x11;
    c[m.capAt + 1] = 0;
    c.writeUInt16LE(0x8000 | (m.vectors - 1), m.capAt + 2);
    c.writeUInt32LE(m.tableOffset | m.tableBar, m.capAt + 4);
    c.writeUInt32LE(m.pbaOffset | m.pbaBar, m.capAt + 8);
  }
  return c.subarray(0, f.configBytes ?? 256);
}

/** Writes <root>/sys/bus/pci/devices/<bdf>/... for each function; returns the root. */
function sysfsTree(name: string, fns: Fn[]): string {
  const root = join(tmp, name);
  const devices = join(root, 'sys', 'bus', 'pci', 'devices');
  mkdirSync(devices, { recursive: true });
  for (const f of fns) {
    const d = join(devices, f.bdf);
    mkdirSync(d);
    writeFileSync(join(d, 'resource'), resourceText(f));
    writeFileSync(join(d, 'vendor'), `0x${f.vendor.toString(16).padStart(4, '0')}\n`);
    writeFileSync(join(d, 'device'), `0x${f.device.toString(16).padStart(4, '0')}\n`);
    writeFileSync(join(d, 'class'), `0x${f.classCode.toString(16).padStart(6, '0')}\n`);
    writeFileSync(join(d, 'config'), configSpace(f));
    if (f.group !== undefined) symlinkSync(`../../../../kernel/iommu_groups/${f.group}`, join(d, 'iommu_group'));
    if (f.physfn) symlinkSync(`../${f.physfn}`, join(d, 'physfn'));
  }
  return root;
}

function importOk(args: string[], input?: string) {
  const run = barplane(['import', ...args], input);
  expect(run.status).toBe(0);
  const read = readScenario(run.stdout);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const plan = barplane(['plan', '-'], run.stdout);
  expect(plan.stderr).toBe('');
  expect(plan.status).toBe(0);
  return { scenario: JSON.parse(run.stdout), warnings: run.stderr, plan: JSON.parse(plan.stdout) };
}

/** A BAR as the imported scenario holds it (never fixed). */
const scenarioBar = (index: number, kind: string, prefetchable: boolean, address: string, size: string) => ({
  index,
  kind,
  prefetchable,
  fixed: false,
  address,
  size,
});
/** A function (not a VF) as the imported scenario holds it; without `msix` when MSI-X is unknown. */
const scenarioFn = (bdf: string, vendorDevice: string, bars: object[], msix?: object) => ({
  bdf,
  vendorDevice,
  isVf: false,
  bars,
  ...(msix === undefined ? {} : { msix }),
});
const fnOf = (s: any, bdf: string) => s.pes.flatMap((p: any) => p.functions).find((f: any) => f.bdf === bdf);
const peOf = (s: any, bdf: string) => s.pes.find((p: any) => p.functions.some((f: any) => f.bdf === bdf))?.id;
/** --platform, --page-size and, when given, --host-id. */
const hostFlags = (platform: string, pageSize: string, hostId?: string) => [
  ...['--platform', platform, '--page-size', pageSize],
  ...(hostId === undefined ? [] : ['--host-id', hostId]),
];
const power = hostFlags('powernv', '0x10000', 'p9');

describe('barplane import sysfs (child process)', () => {
  it('reads a 64K POWER host: sub-page BARs, MSI-X in a small BAR, ROM, SR-IOV lines skipped', () => {
    const root = sysfsTree('power', [
      fn('0004:01:00.0', 0x1033, 0x0194, 0x0c0330, {
        group: 3,
        res: {
          0: { start: 0x600c200000000n, size: 0x2000n, flags: mem64() },
          2: { start: 0x600c200010000n, size: 0x100n, flags: mem64(true) },
          6: { start: 0x600c200020000n, size: 0x10000n, flags: rom },
        },
        msix: { capAt: 0x90, vectors: 8, tableBar: 0, tableOffset: 0x1000, pbaBar: 0, pbaOffset: 0x1080 },
      }),
    ]);
    const { scenario, warnings, plan } = importOk(['sysfs', '--root', root, ...power]);
    expect(warnings).toBe('');
    expect(scenario.host).toEqual({ id: 'p9', platform: 'powernv', pageSize: '0x10000' });
    expect(scenario.pes).toEqual([
      {
        id: 'iommu-3',
        functions: [
          scenarioFn(
            '0004:01:00.0',
            '1033:0194',
            [
              scenarioBar(0, 'mem64', false, '0x600c200000000', '0x2000'),
              scenarioBar(2, 'mem64', true, '0x600c200010000', '0x100'),
              scenarioBar(6, 'rom', false, '0x600c200020000', '0x10000'),
            ],
            { tableBar: 0, tableOffset: '0x1000', vectors: 8, pbaBar: 0, pbaOffset: '0x1080' },
          ),
        ],
      },
    ]);
    expect(plan.pes[0].alignment.policy).toBe('PLATFORM_PAGE_STARTALIGN');
    expect(plan.bars.map((b: any) => b.index)).toEqual([0, 2, 6]);
  });

  it('puts a multi-function device in its IOMMU group; a bridge is in no PE, its BARs 0-1 (not its windows) kept as reserved MMIO', () => {
    const root = sysfsTree('multi', [
      fn('0000:00:01.0', 0x8086, 0x1901, 0x060400, {
        headerType: 1,
        group: 1,
        lines: 17,
        res: {
          0: { start: 0xf7100000n, size: 0x4000n, flags: mem32 },
          7: { start: 0xe000n, size: 0x1000n, flags: IO | 0x200000 },
          8: { start: 0xf6000000n, size: 0x1000000n, flags: MEM | 0x200000 },
        },
      }),
      fn('0000:01:00.0', 0x10de, 0x1b80, 0x030000, {
        group: 12,
        res: {
          0: { start: 0xf6000000n, size: 0x1000000n, flags: mem32 },
          1: { start: 0xe0000000n, size: 0x10000000n, flags: mem64(true) },
          3: { start: 0xf0000000n, size: 0x2000000n, flags: mem64(true) },
          5: { start: 0xe000n, size: 0x80n, flags: IO | 0x1 },
        },
        msix: { capAt: 0x68, vectors: 1, tableBar: 0, tableOffset: 0x20000, pbaBar: 0, pbaOffset: 0x21000 },
      }),
      fn('0000:01:00.1', 0x10de, 0x10f0, 0x040300, {
        group: 12,
        res: { 0: { start: 0xf7080000n, size: 0x4000n, flags: mem32 } },
      }),
    ]);
    const { scenario, warnings } = importOk(['sysfs', '--root', root, ...hostFlags('x86_64', '4096', 'ws')]);
    // vfio-pci binds only normal (type 0) functions: the conformance lab's kernels refuse bridges.
    expect(warnings).toBe(
      'barplane import sysfs: warning: 0000:00:01.0: a bridge: vfio-pci binds only normal (type 0) functions, so it is in no PE; its BAR 0 kept as reserved MMIO\n',
    );
    expect(scenario.pes.map((p: any) => [p.id, p.functions.map((f: any) => f.bdf)])).toEqual([
      ['iommu-12', ['0000:01:00.0', '0000:01:00.1']],
    ]);
    expect(scenario.host.reservedRanges).toEqual([{ start: '0xf7100000', size: '0x4000' }]);
    const gpu = fnOf(scenario, '0000:01:00.0');
    expect(gpu.bars.map((b: any) => [b.index, b.kind, b.prefetchable, b.size])).toEqual([
      [0, 'mem32', false, '0x1000000'],
      [1, 'mem64', true, '0x10000000'],
      [3, 'mem64', true, '0x2000000'],
      [5, 'io', false, '0x80'],
    ]);
    expect(gpu.msix).toEqual({ tableBar: 0, tableOffset: '0x20000', vectors: 1, pbaBar: 0, pbaOffset: '0x21000' });
  });

  it("marks an SR-IOV VF (physfn link) and never emits the PF's SR-IOV resources", () => {
    const root = sysfsTree('sriov', [
      fn('0000:05:00.0', 0x8086, 0x10fb, 0x020000, {
        group: 30,
        res: {
          0: { start: 0x383fff800000n, size: 0x80000n, flags: mem64(true) },
          2: { start: 0xe020n, size: 0x20n, flags: IO | 0x1 },
          4: { start: 0x383fffa04000n, size: 0x4000n, flags: mem64(true) },
          7: { start: 0x383fffc00000n, size: 0x8000n, flags: mem64(true) },
          10: { start: 0x383fffb00000n, size: 0x8000n, flags: mem64(true) },
        },
        msix: { capAt: 0x70, vectors: 64, tableBar: 4, tableOffset: 0, pbaBar: 4, pbaOffset: 0x2000 },
      }),
      fn('0000:05:10.0', 0x8086, 0x10ed, 0x020000, {
        group: 81,
        physfn: '0000:05:00.0',
        res: {
          0: { start: 0x383fffc00000n, size: 0x4000n, flags: mem64(true) },
          3: { start: 0x383fffb00000n, size: 0x4000n, flags: mem64(true) },
        },
        msix: { capAt: 0x70, vectors: 3, tableBar: 3, tableOffset: 0, pbaBar: 3, pbaOffset: 0x2000 },
      }),
    ]);
    const { scenario } = importOk(['sysfs', '--root', root, ...hostFlags('x86_64', '0x1000', 'h')]);
    const pf = fnOf(scenario, '0000:05:00.0');
    expect(pf.isVf).toBe(false);
    expect(pf.bars.map((b: any) => [b.index, b.kind])).toEqual([
      [0, 'mem64'],
      [2, 'io'],
      [4, 'mem64'],
    ]);
    expect(pf.msix).toEqual({ tableBar: 4, tableOffset: '0x0', vectors: 64, pbaBar: 4, pbaOffset: '0x2000' });
    const vf = fnOf(scenario, '0000:05:10.0');
    expect(vf).toMatchObject({ isVf: true, vendorDevice: '8086:10ed', msix: { tableBar: 3, vectors: 3 } });
    expect(vf.bars.map((b: any) => [b.index, b.address, b.size])).toEqual([
      [0, '0x383fffc00000', '0x4000'],
      [3, '0x383fffb00000', '0x4000'],
    ]);
    expect(peOf(scenario, '0000:05:10.0')).toBe('iommu-81');
  });

  it('says MSI-X is unknown when config space is truncated (non-root), and keeps it out of the scenario', () => {
    const root = sysfsTree('nonroot', [
      fn('0000:02:00.0', 0x8086, 0x2700, 0x010802, {
        configBytes: 64,
        res: { 0: { start: 0xf7010000n, size: 0x4000n, flags: mem64() } },
        msix: { capAt: 0x50, vectors: 32, tableBar: 0, tableOffset: 0x2000, pbaBar: 0, pbaOffset: 0x3000 },
      }),
    ]);
    const { scenario, warnings } = importOk(['sysfs', '--root', root, ...hostFlags('arm64', '0x10000', 'a')]);
    expect(warnings).toContain('0000:02:00.0: MSI-X not readable (config space truncated to 64 bytes: run as root)');
    expect(warnings).toContain('no IOMMU groups shown');
    expect(scenario.pes).toEqual([
      { id: '0000:02:00.0', functions: [expect.not.objectContaining({ msix: expect.anything() })] },
    ]);
    expect(fnOf(scenario, '0000:02:00.0').bars).toHaveLength(1);
  });

  it('refuses with exit 2, the problem named and nothing on stdout: missing flags with --root, no devices, a bad page size', () => {
    const root = sysfsTree('empty', []);
    const noFlags = barplane(['import', 'sysfs', '--root', root]);
    expect(noFlags.status).toBe(2);
    expect(noFlags.stdout).toBe('');
    expect(noFlags.stderr).toContain('give --platform and --page-size');
    const empty = barplane(['import', 'sysfs', '--root', root, ...hostFlags('x86_64', '0x1000')]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('lists no PCI functions');
    const missing = barplane(['import', 'sysfs', '--root', join(tmp, 'nowhere'), ...hostFlags('x86_64', '0x1000')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const page = barplane(['import', 'sysfs', '--root', root, ...hostFlags('x86_64', '0x2000')]);
    expect(page.status).toBe(2);
    expect(page.stderr).toContain('page size "0x2000" is not one of 0x1000, 0x4000, 0x10000');
    const platform = barplane(['import', 'sysfs', '--platform', 'sparc']);
    expect(platform.status).toBe(2);
    expect(platform.stdout).toBe('');
  });

  it("imports this machine's real /sys", () => {
    const devices = readdirSync('/sys/bus/pci/devices');
    const run = barplane(['import', 'sysfs']);
    if (devices.length === 0) {
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('lists no PCI functions');
      return;
    }
    expect(run.status).toBe(0);
    const scenario = JSON.parse(run.stdout);
    const bdfs = scenario.pes.flatMap((p: any) => p.functions.map((f: any) => f.bdf));
    expect(bdfs.length).toBe(devices.filter((d) => /^[0-9a-f]{4}:/.test(d)).length);
    for (const bdf of bdfs) expect(bdf).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/);
    expect(scenario.host.pageSize).toMatch(/^0x(1000|4000|10000)$/);
    const plan = barplane(['plan', '-'], run.stdout);
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
  });
});

describe('barplane import lspci (child process)', () => {
  const x86 = hostFlags('x86_64', '0x1000', 'h');

  it('reads a root capture with NVMe: BAR, ROM, MSI-X table and PBA, IOMMU groups; its root port is in no PE', () => {
    const { scenario, warnings } = importOk(['lspci', join(lspciDir, 'nvme-root.txt'), ...x86]);
    expect(warnings).toBe(
      'barplane import lspci: warning: 0000:00:1c.0: a bridge: vfio-pci binds only normal (type 0) functions, so it is in no PE\n',
    );
    expect(scenario.pes.map((p: any) => [p.id, p.functions.map((f: any) => f.bdf)])).toEqual([
      ['iommu-0', ['0000:00:00.0']],
      ['iommu-7', ['0000:01:00.0']],
    ]);
    expect(scenario.host.reservedRanges).toBeUndefined();
    expect(fnOf(scenario, '0000:01:00.0')).toEqual(
      scenarioFn(
        '0000:01:00.0',
        '8086:2700',
        [scenarioBar(0, 'mem64', false, '0xf7010000', '0x4000'), scenarioBar(6, 'rom', false, '0xf7000000', '0x10000')],
        { tableBar: 0, tableOffset: '0x2000', vectors: 32, pbaBar: 0, pbaOffset: '0x3000' },
      ),
    );
  });

  it('reads an 82599 PF with an I/O BAR (SR-IOV capability regions are not its BARs) and its VF', () => {
    const { scenario } = importOk(['lspci', join(lspciDir, '82599-root.txt'), ...x86]);
    const pf = fnOf(scenario, '0000:03:00.0');
    expect(pf.bars.map((b: any) => [b.index, b.kind, b.address, b.size, b.prefetchable])).toEqual([
      [0, 'mem64', '0x383fff800000', '0x80000', true],
      [2, 'io', '0xe020', '0x20', false],
      [4, 'mem64', '0x383fffa04000', '0x4000', true],
      [6, 'rom', '0x91d80000', '0x80000', false],
    ]);
    expect(pf.msix).toEqual({ tableBar: 4, tableOffset: '0x0', vectors: 64, pbaBar: 4, pbaOffset: '0x2000' });
    expect(fnOf(scenario, '0000:03:10.0')).toMatchObject({
      isVf: true,
      vendorDevice: '8086:10ed',
      msix: { tableBar: 3, vectors: 3, pbaOffset: '0x2000' },
    });
    expect(peOf(scenario, '0000:03:00.0')).toBe('iommu-25');
    expect(peOf(scenario, '0000:03:10.0')).toBe('iommu-80');
  });

  it('reads a root-less capture from stdin: MSI-X unknown on stderr, one PE per function', () => {
    const { scenario, warnings } = importOk(
      ['lspci', '-', ...x86],
      readFileSync(join(lspciDir, 'no-root.txt'), 'utf8'),
    );
    expect(warnings).toContain(
      '0000:02:00.0: MSI-X unknown (lspci could not read the capabilities: run lspci as root)',
    );
    expect(scenario.pes.map((p: any) => p.id)).toEqual(['0000:02:00.0', '0000:03:00.0']);
    expect(fnOf(scenario, '0000:02:00.0')).toEqual(
      scenarioFn('0000:02:00.0', '1033:0194', [scenarioBar(0, 'mem64', false, '0xf2400000', '0x2000')]),
    );
  });

  it('reads a capture pasted indented in a Markdown quote, naming the lines it skipped on stderr', () => {
    const capture = readFileSync(join(lspciDir, 'nvme-root.txt'), 'utf8');
    const pasted = ['From the ticket:', ...capture.split('\n').map((l) => `>     ${l}`)].join('\n');
    const plain = importOk(['lspci', join(lspciDir, 'nvme-root.txt'), ...x86]);
    const run = importOk(['lspci', '-', ...x86], pasted);
    expect(run.scenario).toEqual(plain.scenario);
    expect(run.warnings).toBe(
      'barplane import lspci: warning: line 1 skipped (not lspci output): "From the ticket:"\n' + plain.warnings,
    );
  });

  it('refuses unreadable or unusable input with exit 2 and nothing on stdout', () => {
    const missing = barplane(['import', 'lspci', join(tmp, 'none.txt'), ...x86]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('cannot read');
    const garbage = barplane(['import', 'lspci', '-', ...x86], 'hello\nworld\n');
    expect(garbage.status).toBe(2);
    expect(garbage.stderr).toContain('no PCI function found');
    const terse = barplane(
      ['import', 'lspci', '-', ...x86],
      '01:00.0 Ethernet controller: Intel Corporation 82599ES\n\tMemory at f7000000 (64-bit, non-prefetchable) [size=512K]\n',
    );
    expect(terse.status).toBe(2);
    expect(terse.stderr).toContain('lspci -vvv');
  });

  it('documents the exit statuses in --help', () => {
    for (const sub of ['sysfs', 'lspci']) {
      const help = barplane(['import', sub, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Exit status: 0 imported');
      expect(help.stdout).toContain('2 unreadable or invalid input');
    }
  });
});
