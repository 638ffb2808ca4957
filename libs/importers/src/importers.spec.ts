import { assembleScenario } from './assemble';
import { platformFromMachine, parsePageSize } from './host/host-facts';
import { ImportInputError } from './imported';
import { parseLspci, parseLspciSize } from './lspci/parse-lspci';
import { readMsix } from './sysfs/config-space';
import { parseResourceFile, resourceBar } from './sysfs/resource';
import { sysfsFunction } from './sysfs/sysfs-function';

const host = { id: 'h', platform: 'powernv' as const, pageSize: 0x10000n };

function config(bytes: number, caps: [number, number, number[]][]): Uint8Array {
  const c = new Uint8Array(256);
  c[6] = 0x10;
  c[0x34] = caps[0]?.[0] ?? 0;
  caps.forEach(([at, id, body], i) => {
    c[at] = id;
    c[at + 1] = caps[i + 1]?.[0] ?? 0;
    body.forEach((b, j) => (c[at + 2 + j] = b));
  });
  return c.subarray(0, bytes);
}

describe('sysfs config space', () => {
  const msixCap: [number, number, number[]] = [0xb0, 0x11, [0x1f, 0x80, 0x00, 0x20, 0, 0, 0x04, 0x30, 0, 0]];
  it('walks the capability list to MSI-X: N-1 in bits 10:0, BIR and offset of table and PBA', () => {
    expect(readMsix(config(256, [[0x40, 0x01, []], msixCap]))).toEqual({
      known: true,
      msix: { vectors: 32, tableBar: 0, tableOffset: 0x2000n, pbaBar: 4, pbaOffset: 0x3000n },
    });
  });
  it('knows there is no MSI-X when the list ends without it', () => {
    expect(readMsix(config(256, [[0x40, 0x01, []]]))).toEqual({ known: true });
  });
  it('says MSI-X is unknown for a 64-byte (non-root) read, and for a looping list', () => {
    expect(readMsix(config(64, [[0x40, 0x01, []], msixCap]))).toEqual({
      known: false,
      reason: 'config space truncated to 64 bytes: run as root',
    });
    const loop = config(256, [[0x40, 0x01, []]]);
    loop[0x41] = 0x40;
    expect(readMsix(loop)).toMatchObject({ known: false, reason: expect.stringContaining('broken') });
  });
});

describe('sysfs resource', () => {
  it('reads kinds and flags: mem64 prefetchable, io, fixed, ROM; zero lines are absent; UNSET is a problem', () => {
    const { lines } = parseResourceFile(
      [
        '0x0000383fff800000 0x0000383fff87ffff 0x000000000014220c',
        '0x0000000000000000 0x0000000000000000 0x0000000000000000',
        '0x00000000000001f0 0x00000000000001f7 0x0000000000000110',
        '0x0000000000000000 0x0000000000003fff 0x0000000020040200',
        '',
        '',
        '0x00000000000c0000 0x00000000000dffff 0x0000000000000212',
      ].join('\n'),
    );
    expect(resourceBar(lines[0])).toEqual({
      ok: true,
      kind: 'mem64',
      address: 0x383fff800000n,
      size: 0x80000n,
      prefetchable: true,
      fixed: false,
    });
    expect(resourceBar(lines[1])).toEqual({ ok: false, absent: true });
    expect(resourceBar(lines[2])).toMatchObject({ ok: true, kind: 'io', size: 8n, fixed: true });
    expect(resourceBar(lines[3])).toMatchObject({
      ok: false,
      absent: false,
      problem: expect.stringContaining('UNSET'),
    });
    expect(lines[4]).toMatchObject({ index: 4 });
    expect(resourceBar({ ...lines[4], index: 6 })).toMatchObject({ ok: true, kind: 'rom', size: 0x20000n });
  });
  it('leaves a VMD domain (above 0xffff) out with a warning', () => {
    const warnings: string[] = [];
    expect(sysfsFunction({ name: '10000:00:02.0', resource: '', hasPhysfn: false }, warnings)).toBeUndefined();
    expect(warnings[0]).toContain('domain above 0xffff');
  });
});

describe('lspci text', () => {
  it('reads sizes in every unit', () => {
    expect(['[size=256]', '[size=16K]', '[size=1M]', '[size=2G]', '[size=1T]'].map(parseLspciSize)).toEqual([
      0x100n,
      0x4000n,
      0x100000n,
      0x80000000n,
      1n << 40n,
    ]);
  });
  it('takes markers after the address (newer pciutils), leaves <unassigned> out, adds the domain', () => {
    const warnings: string[] = [];
    const [f] = parseLspci(
      [
        '05:00.0 Ethernet controller [0200]: Mellanox Technologies MT27800 Family [ConnectX-5 Virtual Function] [15b3:1018]',
        '\tRegion 0: Memory at 38000000000 (64-bit, prefetchable) [virtual] [size=1M]',
        '\tRegion 2: Memory at <unassigned> (64-bit, prefetchable)',
        '\tCapabilities: [9c] MSI-X: Enable+ Count=12 Masked-',
        '\t\tVector table: BAR=0 offset=00002000',
        '\t\tPBA: BAR=0 offset=00003000',
      ].join('\n'),
      warnings,
    );
    expect(f).toMatchObject({
      bdf: '0000:05:00.0',
      vendorDevice: '15b3:1018',
      isVf: true,
      bars: [{ index: 0, kind: 'mem64', address: 0x38000000000n, size: 0x100000n }],
    });
    expect(warnings).toEqual(['0000:05:00.0: BAR 2 left out: no address (<unassigned>)']);
  });
  it('refuses text with no function in it', () => {
    expect(() => parseLspci('nothing here', [])).toThrow(ImportInputError);
  });
});

describe('assembly', () => {
  it('drops an MSI-X layout pointing at a BAR that is not there, and a BAR that is not a power of two', () => {
    const r = assembleScenario(
      host,
      [
        {
          bdf: '0000:01:00.0',
          isVf: false,
          bars: [{ index: 0, kind: 'mem32', address: 0x10000n, size: 0x3000n, prefetchable: false, fixed: false }],
          msix: { vectors: 4, tableBar: 0, tableOffset: 0n, pbaBar: 0, pbaOffset: 0x800n },
        },
      ],
      [],
    );
    expect(r.scenario.pes[0].functions[0]).toEqual({ bdf: '0000:01:00.0', isVf: false, bars: [] });
    expect(r.warnings.slice(0, 2)).toEqual([
      '0000:01:00.0: BAR 0 left out: size 0x3000 is not a power of two',
      '0000:01:00.0: MSI-X left out: the table is in BAR 0, which the source does not show',
    ]);
  });
});

describe('kernel release', () => {
  it("derives vfioPci from it: the conformance lab's Debian 6.1 ppc64el kernel cannot bind vfio-pci, 6.12 can", () => {
    const kernel = (kernelRelease: string, platform: 'powernv' | 'x86_64' = 'powernv') =>
      assembleScenario({ ...host, platform, kernelRelease }, [], []).scenario.host.kernel;
    expect(kernel('6.1.0-50-powerpc64le')).toMatchObject({ vfioPci: false, msixMappable: true });
    expect(kernel('6.12.95+deb12-powerpc64le-64k')).toMatchObject({ vfioPci: true });
    expect(kernel('6.1.0-50-amd64', 'x86_64')).toMatchObject({ vfioPci: true });
  });
});

describe('host facts', () => {
  it('maps the CPU architecture to a platform; ppc64 by /proc/cpuinfo', () => {
    expect(platformFromMachine('x64', undefined, false)).toBe('x86_64');
    expect(platformFromMachine('arm64', undefined, false)).toBe('arm64');
    expect(platformFromMachine('ppc64', 'platform\t: PowerNV\n', false)).toBe('powernv');
    expect(platformFromMachine('ppc64', 'platform\t: pSeries\n', false)).toBe('pseries');
    expect(platformFromMachine('ppc64', undefined, true)).toBe('pseries');
    expect(() => platformFromMachine('s390x', undefined, false)).toThrow('give --platform');
    expect(parsePageSize('65536')).toBe(0x10000n);
  });
});
