import { problemLines } from '@barplane/domain/testing/problem-lines';
import { readScenario } from './read-scenario';

// Bad input is refused as a whole, with every problem named by its JSON path.
const base = () => ({
  host: { id: 'h', platform: 'arm64', pageSize: '0x10000' },
  pes: [
    {
      id: '0000:01',
      functions: [
        { bdf: '0000:01:00.0', bars: [{ index: 0, kind: 'mem64', address: '0x600000000000', size: '0x4000' }] },
      ],
    },
  ],
  vm: { id: 'vm1', guestBars: [{ bdf: '0000:01:00.0', index: 0, address: '0x10000000' }] },
});
type Body = ReturnType<typeof base> & Record<string, unknown>;

function problemsOf(edit: (s: Body) => void): { path: string; message: string }[] {
  const body = base() as Body;
  edit(body);
  const read = readScenario(JSON.stringify(body));
  if (read.ok) throw new Error('expected the scenario to be refused');
  return read.problems;
}
const bar0 = (s: Body) => s.pes[0].functions[0].bars[0] as Record<string, unknown>;

// Edits of the valid body that it refuses, and every problem each makes, in order.
const REFUSED: { what: string; edit: (s: Body) => void; problems: string[] }[] = [
  {
    what: 'ids that are empty, too long, hold a control character or a lone surrogate',
    edit: (s) => {
      s.host.id = 'a\u0000b';
      s.pes[0].id = 'x'.repeat(300);
      (s.vm as Record<string, unknown>).id = 'v\ud800';
    },
    problems: [
      'host.id: holds the control character U+0000 at 1',
      'pes[0].id: is 300 characters long; at most 256',
      'vm.id: is not well-formed Unicode (a lone surrogate)',
    ],
  },
  {
    what: 'a size that is not a power of two, a mem BAR under 16 bytes, an unaligned address',
    edit: (s) => {
      s.pes[0].functions[0].bars = [
        { index: 0, kind: 'mem32', address: '0x700000000', size: '0x3000' },
        { index: 1, kind: 'mem32', address: '0x700100000', size: '0x8' },
        { index: 2, kind: 'mem32', address: '0x700201000', size: '0x4000' },
      ];
      s.vm.guestBars = [];
    },
    problems: [
      'pes[0].functions[0].bars[0].size: size 0x3000 is not 0 or a power of two',
      'pes[0].functions[0].bars[1].size: size 0x8 is below the mem32 minimum of 0x10',
      'pes[0].functions[0].bars[2].address: address 0x700201000 is not aligned to its size 0x4000',
    ],
  },
  {
    what: 'BAR index rules, MSI-X outside its BAR, and bad guest BARs',
    edit: (s) => {
      const fn = s.pes[0].functions[0] as Record<string, unknown>;
      fn.bars = [
        { index: 0, kind: 'mem64', address: '0x600000000000', size: '0x4000' },
        { index: 1, kind: 'mem32', address: '0x600000100000', size: '0x1000' },
        { index: 5, kind: 'mem64', address: '0x600000200000', size: '0x1000' },
        { index: 3, kind: 'rom', address: '0x600000300000', size: '0x800' },
      ];
      fn.msix = { tableBar: 0, tableOffset: '0x3f00', vectors: 32 };
      s.vm.guestBars = [
        { bdf: '0000:01:00.0', index: 0, address: '0x10001000' },
        { bdf: '0000:09:00.0', index: 0, address: '0x0' },
        { bdf: '0000:01:00.0', index: 3, address: '0x0' },
      ];
      (s.vm as Record<string, unknown>).assignedPes = ['0000:01', 'nope'];
      (s.vm as Record<string, unknown>).memslotsUsed = 40000;
    },
    problems: [
      'pes[0].functions[0].bars[1].index: index 1 is the upper half of the mem64 BAR at index 0',
      'pes[0].functions[0].bars[2].index: a mem64 BAR cannot be at index 5 (it needs two registers)',
      'pes[0].functions[0].bars[3].index: a rom BAR must have index 6, not 3',
      'pes[0].functions[0].msix.tableOffset: MSI-X table [0x3f00, 0x4100) reaches past the end of BAR 0 (size 0x4000)',
      'vm.assignedPes[1]: names no PE: "nope"',
      "vm.memslotsUsed: 40000 is above the host's kvmMemslots (32767)",
      "vm.guestBars[0].address: guest address 0x10001000 is not aligned to the BAR's size 0x4000",
      'vm.guestBars[1].bdf: no function 0000:09:00.0 on this host',
      'vm.guestBars[2].index: BAR 3 of 0000:01:00.0 is rom, which is never mapped into the guest',
    ],
  },
  {
    what: 'a relocation target that is an I/O BAR or an upper half',
    edit: (s) => {
      (s.pes[0].functions[0] as Record<string, unknown>).msix = { tableBar: 0, tableOffset: '0x2000', vectors: 32 };
      (s.vm as Record<string, unknown>).msixRelocation = 'bar1';
    },
    problems: ['vm.msixRelocation: bar1 of 0000:01:00.0 is the upper half of its mem64 BAR 0'],
  },
];

describe('readScenario', () => {
  it('accepts a valid scenario and applies scenario.md defaults', () => {
    const read = readScenario(JSON.stringify(base()));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.scenario.host).toMatchObject({
      kvmMemslots: 32767,
      kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment: false, vfioPci: true },
    });
    expect(read.scenario.vm).toMatchObject({
      machine: 'virt',
      msixEmulation: true,
      noMmap: false,
      msixRelocation: 'off',
      memslotsUsed: 0,
      assignedPes: ['0000:01'],
    });
    expect(read.scenario.pes[0].functions[0].bars[0]).toEqual({
      index: 0,
      kind: 'mem64',
      address: 0x600000000000n,
      size: 0x4000n,
      prefetchable: false,
      fixed: false,
    });
  });

  it('reads host.kernel.vfioPci, and refuses one that is not a boolean', () => {
    const body = base();
    Object.assign(body.host, { kernel: { vfioPci: false } });
    const read = readScenario(JSON.stringify(body));
    expect(read.ok && read.scenario.host.kernel).toMatchObject({ vfioPci: false, subPageMmap: true });
    expect(problemsOf((s) => Object.assign(s.host, { kernel: { vfioPci: 'no' } }))).toEqual([
      { path: 'host.kernel.vfioPci', message: expect.any(String) },
    ]);
  });

  it('accepts decimal strings and safe JSON numbers for 64-bit fields, and keeps 2^64 - 4K exact', () => {
    const body = base();
    Object.assign(body.pes[0].functions[0].bars[0], { address: '18446744073709547520', size: 4096 });
    body.vm.guestBars[0].address = '0xfffffffffffff000';
    const read = readScenario(JSON.stringify(body));
    expect(read.ok && read.scenario.pes[0].functions[0].bars[0]).toMatchObject({
      address: 0xfffffffffffff000n,
      size: 0x1000n,
    });
    expect(read.ok && read.scenario.vm!.guestBars[0].address).toBe(0xfffffffffffff000n);
  });

  it('refuses text that is not JSON', () => {
    const read = readScenario('{"host": ');
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems[0]).toMatchObject({ path: '$', message: expect.stringMatching(/^not JSON/) });
  });

  it('refuses a bare JSON number at or above 2^53 instead of rounding it', () => {
    const body = JSON.stringify(base()).replace('"0x600000000000"', '9007199254740993');
    const read = readScenario(body);
    expect(!read.ok && read.problems).toEqual([
      {
        path: 'pes[0].functions[0].bars[0].address',
        message: expect.stringContaining('9007199254740993 is not exact'),
      },
    ]);
  });

  it('refuses __proto__, constructor and prototype keys by name, whichever parser read them', () => {
    const text = JSON.stringify(base()).replace('"host":{', '"__proto__":{"polluted":1},"host":{"constructor":1,');
    const read = readScenario(text);
    expect(!read.ok && read.problems).toEqual([
      { path: '__proto__', message: 'is not a known field' },
      { path: 'host.constructor', message: 'is not a known field' },
    ]);
    // A number past 2^53 sends the text through the lossless parser: the same answer.
    const lossless = readScenario(
      text.replace('"0x600000000000"', '9007199254740993').replace('"constructor":1', '"prototype":{}'),
    );
    expect(!lossless.ok && lossless.problems.map((p) => p.path)).toEqual(['__proto__', 'host.prototype']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting deeper than 64 levels before anything recurses', () => {
    const read = readScenario('['.repeat(100_000) + ']'.repeat(100_000));
    expect(!read.ok && read.problems).toEqual([{ path: '$', message: 'nested 100000 levels deep; at most 64' }]);
    expect(readScenario('{"a":"' + '['.repeat(1000) + '"}').ok).toBe(false); // brackets in strings do not count: a shape problem, not depth
  });

  it('names unknown fields anywhere', () => {
    const problems = problemsOf((s) => {
      s.colour = 'red';
      bar0(s).width = 3;
      (s.vm as Record<string, unknown>).cpu = 4;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        { path: 'pes[0].functions[0].bars[0].width', message: 'is not a known field' },
        { path: 'vm.cpu', message: 'is not a known field' },
      ]),
    );
  });

  it('names missing required fields and values outside their set, all at once', () => {
    const problems = problemsOf((s) => {
      delete (s.host as Record<string, unknown>).id;
      s.host.platform = 'sparc';
      s.host.pageSize = '0x2000';
      bar0(s).kind = 'mem16';
      bar0(s).size = 'big';
    });
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'host.id',
        'host.platform',
        'host.pageSize',
        'pes[0].functions[0].bars[0].kind',
        'pes[0].functions[0].bars[0].size',
      ]),
    );
    expect(problems.find((p) => p.path === 'host.id')?.message).toBe('is required');
  });

  it('refuses overlapping BARs, a BDF out of range, a function in two PEs', () => {
    const problems = problemsOf((s) => {
      s.pes.push({ id: '0000:02', functions: [{ bdf: '0000:01:00.0', bars: [] }] } as never);
      s.pes[0].functions.push({ bdf: '0000:01:20.0', bars: [] } as never);
      s.pes[0].functions.push({
        bdf: '0000:01:00.1',
        bars: [{ index: 0, kind: 'mem64', address: '0x600000002000', size: '0x1000' }],
      } as never);
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'pes[0].functions[1].bdf', message: expect.stringContaining('device above 0x1f') },
      ]),
    );
    const rules = problemsOf((s) => {
      s.pes.push({ id: '0000:02', functions: [{ bdf: '0000:01:00.0', bars: [] }] } as never);
      s.pes[0].functions.push({
        bdf: '0000:01:00.1',
        bars: [{ index: 0, kind: 'mem64', address: '0x600000002000', size: '0x1000' }],
      } as never);
    });
    expect(rules).toEqual([
      { path: 'pes[1].functions[0].bdf', message: 'function 0000:01:00.0 is in two PEs: "0000:01" and "0000:02"' },
      {
        path: 'pes[0].functions[1].bars[0]',
        message: 'overlaps pes[0].functions[0].bars[0] in the memory address space',
      },
    ]);
  });

  it.each(REFUSED)('refuses $what', ({ edit, problems }) => {
    expect(problemLines(problemsOf(edit))).toEqual(problems);
  });

  it('refuses a body that is not an object', () => {
    const read = readScenario('[1, 2]');
    expect(!read.ok && read.problems).toEqual([{ path: '$', message: 'must be a JSON object with host and pes' }]);
  });
});
