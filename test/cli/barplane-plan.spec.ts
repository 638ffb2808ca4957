import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { barplane, inputFiles, repoRoot } from './run-cli';

// `barplane plan` end to end: the worked examples of ../shared/examples (copied into
// test/fixtures/examples, each expected plan with the VFIO regions of its functions) and the
// failure modes of scenario.md, through the real binary.
const examples = join(repoRoot, 'test', 'fixtures', 'examples');
const { dir: tmp, write } = inputFiles('barplane-cli-');

/** The expected files fix every field except the advice's details beyond `kind` (and kernelParameter). */
function expectMatchesContract(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  const bars = (actual.bars as { advice: Record<string, unknown>[] }[]).map((b, i) => {
    const want = (expected.bars as { advice: Record<string, unknown>[] }[])[i]?.advice ?? [];
    return {
      ...b,
      advice: b.advice.map((a, j) => Object.fromEntries(Object.keys(want[j] ?? { kind: 1 }).map((k) => [k, a[k]]))),
    };
  });
  expect({ ...actual, bars }).toEqual(expected);
}

describe('barplane plan (child process)', () => {
  const names = readdirSync(examples).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'));

  it.each(names)('decides %s exactly as its expected plan', (name) => {
    const run = barplane(['plan', join(examples, name)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const expected = JSON.parse(readFileSync(join(examples, name.replace('.json', '.expected.json')), 'utf8'));
    expectMatchesContract(JSON.parse(run.stdout), expected);
  });

  it('prints the same bytes every time', () => {
    const file = join(examples, '08-09-82599-io-and-msix-bar.json');
    expect(barplane(['plan', file]).stdout).toBe(barplane(['plan', file]).stdout);
  });

  it('reads standard input with -', () => {
    const run = barplane(['plan', '-'], readFileSync(join(examples, '10-rom.json'), 'utf8'));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).bars[1]).toMatchObject({ index: 6, mode: 'EMULATED', reasons: ['ROM_BAR'] });
  });

  it('keeps 0xfffffffffffff000-class addresses exact from file to decision to output', () => {
    const hostBars = [
      wireBar(0, 'mem64', '0xffffffffffff0000', '0x1000'),
      wireBar(2, 'mem64', '0xfffffffffffdf000', '0x1000'),
    ];
    const file = write('top.json', {
      host: { id: 'top', platform: 'powernv', pageSize: '0x10000' },
      pes: [wirePe('ffff:ff', { bdf: 'ffff:ff:1f.7', bars: hostBars })],
      vm: {
        id: 'vm',
        guestBars: [
          { bdf: 'ffff:ff:1f.7', index: 0, address: '0xfffffffffffe0000' },
          { bdf: 'ffff:ff:1f.7', index: 2, address: '0xfffffffffffff000' },
        ],
      },
    });
    const run = barplane(['plan', file]);
    expect(run.status).toBe(0);
    const { bars, regions } = JSON.parse(run.stdout);
    expect(bars[0]).toMatchObject({ mode: 'DIRECT_PAGE_EXPANDED', directRanges: [{ offset: '0x0', size: '0x10000' }] });
    expect(bars[1]).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_SUBPAGE_UNALIGNED'] });
    expect(regions[0].regions[0].subPageReservation).toEqual({ start: '0xffffffffffff1000', size: '0xf000' });
    expect(regions[0].regions[1]).toEqual({
      index: 2,
      offset: '0x20000000000',
      size: '0x1000',
      flags: ['READ', 'WRITE'],
      caps: [],
    });
  });

  it('refuses invalid input with exit 2, every problem on stderr with its path, nothing on stdout', () => {
    const file = write('bad.json', {
      host: { id: 'h', platform: 'arm64', pageSize: '0x10000', colour: 'red' },
      pes: [
        {
          id: 'a',
          functions: [
            { bdf: '0000:01:00.0', bars: [{ index: 0, kind: 'mem32', address: '0x10000', size: '0x3000' }] },
            { bdf: '0000:01:00.1', bars: [{ index: 0, kind: 'mem32', address: '0x20000', size: '0x8' }] },
          ],
        },
      ],
    });
    const run = barplane(['plan', file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('host.colour: is not a known field');
    const rules = write('bad-rules.json', {
      host: { id: 'h', platform: 'arm64', pageSize: '0x10000' },
      pes: [
        {
          id: 'a',
          functions: [
            { bdf: '0000:01:00.0', bars: [{ index: 0, kind: 'mem32', address: '0x10000', size: '0x3000' }] },
            {
              bdf: '0000:01:00.1',
              bars: [
                { index: 0, kind: 'mem32', address: '0x20000', size: '0x8' },
                { index: 1, kind: 'mem32', address: '0x21000', size: '0x2000' },
              ],
            },
            { bdf: '0000:01:00.2', bars: [{ index: 0, kind: 'mem32', address: '0x20000', size: '0x1000' }] },
          ],
        },
        { id: 'b', functions: [{ bdf: '0000:01:00.0', bars: [] }] },
      ],
    });
    const second = barplane(['plan', rules]);
    expect(second.status).toBe(2);
    expect(second.stdout).toBe('');
    for (const expected of [
      'pes[0].functions[0].bars[0].size: size 0x3000 is not 0 or a power of two',
      'pes[0].functions[1].bars[0].size: size 0x8 is below the mem32 minimum of 0x10',
      'pes[0].functions[1].bars[1].address: address 0x21000 is not aligned to its size 0x2000',
      'pes[0].functions[2].bars[0]: overlaps pes[0].functions[1].bars[0] in the memory address space',
      'pes[1].functions[0].bdf: function 0000:01:00.0 is in two PEs: "a" and "b"',
    ]) {
      expect(second.stderr).toContain(expected);
    }
  });

  it('refuses a BDF out of range, a bare number above 2^53 and text that is not JSON, with exit 2', () => {
    const bdf = barplane([
      'plan',
      write('bdf.json', {
        host: { id: 'h', platform: 'x86_64', pageSize: '0x1000' },
        pes: [{ id: 'a', functions: [{ bdf: '0000:100:00.0' }] }],
      }),
    ]);
    expect([bdf.status, bdf.stdout]).toEqual([2, '']);
    expect(bdf.stderr).toContain('pes[0].functions[0].bdf: BDF "0000:100:00.0" out of range: bus above 0xff');

    const big = barplane([
      'plan',
      write(
        'big.json',
        '{"host":{"id":"h","platform":"x86_64","pageSize":"0x1000"},"pes":[{"id":"a","functions":[{"bdf":"0000:01:00.0","bars":[{"index":0,"kind":"mem64","address":18446744073709547520,"size":4096}]}]}]}',
      ),
    ]);
    expect([big.status, big.stdout]).toEqual([2, '']);
    expect(big.stderr).toContain('pes[0].functions[0].bars[0].address: the number 18446744073709547520 is not exact');

    const text = barplane(['plan', write('text.json', 'host: p9')]);
    expect([text.status, text.stdout]).toEqual([2, '']);
    expect(text.stderr).toContain('$: not JSON');
  });

  it('exits 1 for a file it cannot read, 2 for a usage mistake, 0 for --help', () => {
    expect(barplane(['plan', join(tmp, 'missing.json')])).toMatchObject({ status: 1, stdout: '' });
    expect(barplane(['plan', 'x.json', '--format', 'yaml']).status).toBe(2);
    const help = barplane(['plan', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit status: 0 decided, 2 invalid input');
  });

  it('prints a table for people with --format table', () => {
    const run = barplane(['plan', join(examples, '05-nvme-x86-msix-trapped.json'), '--format', 'table']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0000:01:00\.0 .* PARTIAL_DIRECT .* 0x0\+0x2000 0x3000\+0x1000/);
    expect(run.stdout).toContain('x-msix-relocation=bar2');
    expect(run.stdout).toMatch(
      /VFIO regions[^]*0000:01:00\.0 .* 0 .* 0x4000 .* READ WRITE MMAP .* MSIX_MAPPABLE .* - /,
    );
    expect(run.stdout.indexOf('VFIO regions')).toBeGreaterThan(run.stdout.indexOf('PARTIAL_DIRECT'));
    expect(run.stdout).toContain('VM vm1: 2 BAR slots needed');
  });

  it('lists sparse areas and sub-page reservations in the table, and no region where vfio-pci cannot bind', () => {
    const fns = [
      {
        bdf: '0000:01:00.0',
        bars: [{ index: 0, kind: 'mem64', address: '0x600c080000000', size: '0x4000' }],
        msix: { tableBar: 0, tableOffset: '0x2000', vectors: 32 },
      },
      { bdf: '0000:01:00.1', bars: [{ index: 0, kind: 'mem64', address: '0x600c080010000', size: '0x4000' }] },
    ];
    const old = {
      id: 'p9-4.14',
      platform: 'powernv',
      pageSize: '0x10000',
      kernel: { msixMappable: false, sparseMmap: true },
    };
    const table = barplane([
      'plan',
      write('sparse.json', { host: old, pes: [{ id: '0000:01', functions: fns }] }),
      '--format',
      'table',
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /0000:01:00\.0 .* 0x4000 .* READ WRITE MMAP .* SPARSE_MMAP 0x0\+0x0 .* 0x600c080004000\+0xc000/,
    );
    expect(table.stdout).toMatch(/0000:01:00\.1 .* 0x4000 .* READ WRITE MMAP .* - .* 0x600c080014000\+0xc000/);

    const power61 = { id: 'p9-6.1', platform: 'powernv', pageSize: '0x10000', kernel: { vfioPci: false } };
    const file = write('unbindable.json', { host: power61, pes: [{ id: '0000:01', functions: fns }] });
    expect(JSON.parse(barplane(['plan', file]).stdout).regions).toEqual([
      { pe: '0000:01', bdf: '0000:01:00.0', regions: [] },
      { pe: '0000:01', bdf: '0000:01:00.1', regions: [] },
    ]);
    expect(barplane(['plan', file, '--format', 'table']).stdout).toContain(
      'VFIO regions: none, the host kernel cannot bind vfio-pci',
    );
  });
});
