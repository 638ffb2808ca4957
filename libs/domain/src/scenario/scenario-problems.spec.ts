import { Bar } from '../pci/bar';
import { P4K, bar, fn, host, pe, scenario, vm } from '../testing/scenario-builder';
import { Vm } from '../pci/vm';
import { scenarioProblems } from './scenario-problems';

// Given a scenario of valid shape, when its rules are checked, then every problem is named by
// the path of the input field it is about, with the message an operator reads.
const H = host('arm64', P4K);
const A = '0000:01:00.0';
const B = '0000:01:00.1';
const ok = (index: number, address: bigint, size = 0x1000n) => bar(index, 'mem32', address, size);

function problemsOf(bars: Bar[], vmOver?: Partial<Vm>, more: Bar[] = [ok(0, 0x2000_0000n)]) {
  const pes = [pe('0000:01', [fn(A, bars), fn(B, more)])];
  return scenarioProblems(scenario(H, pes, vmOver && vm(H, pes, vmOver)));
}

describe('scenarioProblems', () => {
  it('finds nothing wrong with a valid scenario', () => {
    expect(problemsOf([ok(0, 0x1000_0000n), bar(2, 'mem64', 0x1000_4000n, 0x4000n)], {})).toEqual([]);
  });

  it('names BAR indices given twice, ROM indices, and mem64 halves', () => {
    expect(
      problemsOf([
        ok(0, 0x1000_0000n),
        ok(0, 0x1001_0000n),
        bar(3, 'rom', 0x1002_0000n, 0x800n),
        ok(6, 0x1003_0000n),
        bar(5, 'mem64', 0x1004_0000n, 0x1000n),
        bar(1, 'mem64', 0x1005_0000n, 0x1000n),
        ok(2, 0x1006_0000n),
      ]),
    ).toEqual([
      {
        path: 'pes[0].functions[0].bars[1].index',
        message: 'BAR index 0 is given twice (first at pes[0].functions[0].bars[0])',
      },
      { path: 'pes[0].functions[0].bars[2].index', message: 'a rom BAR must have index 6, not 3' },
      { path: 'pes[0].functions[0].bars[3].index', message: 'index 6 is the expansion ROM; a mem32 BAR must use 0..5' },
      {
        path: 'pes[0].functions[0].bars[4].index',
        message: 'a mem64 BAR cannot be at index 5 (it needs two registers)',
      },
      { path: 'pes[0].functions[0].bars[6].index', message: 'index 2 is the upper half of the mem64 BAR at index 1' },
    ]);
  });

  it('names sizes that are not powers of two or too small, unaligned addresses, and ends above 2^64', () => {
    expect(
      problemsOf([
        ok(0, 0x1000_0000n, 0x3000n),
        bar(1, 'io', 0x1000n, 2n),
        ok(2, 0x1001_1000n, 0x2000n),
        bar(3, 'mem64', 0xffff_ffff_ffff_f000n, 0x2000n),
      ]),
    ).toEqual([
      { path: 'pes[0].functions[0].bars[0].size', message: 'size 0x3000 is not 0 or a power of two' },
      { path: 'pes[0].functions[0].bars[1].size', message: 'size 0x2 is below the io minimum of 0x4' },
      { path: 'pes[0].functions[0].bars[2].address', message: 'address 0x10011000 is not aligned to its size 0x2000' },
      {
        path: 'pes[0].functions[0].bars[3].address',
        message: 'address 0xfffffffffffff000 is not aligned to its size 0x2000',
      },
      { path: 'pes[0].functions[0].bars[3].size', message: 'address + size is above 2^64' },
    ]);
  });

  it('names overlaps by both paths, in the memory and the I/O space apart', () => {
    expect(
      problemsOf([ok(0, 0x2000_0000n), bar(1, 'io', 0x1000n, 0x100n)], undefined, [
        ok(0, 0x2000_0000n, 0x2000n),
        bar(1, 'io', 0x1080n, 0x80n),
      ]),
    ).toEqual([
      {
        path: 'pes[0].functions[1].bars[0]',
        message: 'overlaps pes[0].functions[0].bars[0] in the memory address space',
      },
      { path: 'pes[0].functions[1].bars[1]', message: 'overlaps pes[0].functions[0].bars[1] in the I/O address space' },
    ]);
  });

  it('names PE ids and BDFs given twice, and a function in two PEs', () => {
    const pes = [
      pe('0000:01', [fn(A, [ok(0, 0x1000_0000n)]), fn(A, [])]),
      pe('0000:01', []),
      pe('0000:02', [fn(A, [])]),
    ];
    expect(scenarioProblems(scenario(H, pes))).toEqual([
      { path: 'pes[0].functions[1].bdf', message: `BDF ${A} is given twice (first at pes[0].functions[0])` },
      { path: 'pes[1].id', message: 'PE id "0000:01" is given twice' },
      { path: 'pes[2].functions[0].bdf', message: `function ${A} is in two PEs: "0000:01" and "0000:02"` },
    ]);
  });

  it('names an MSI-X table or PBA outside its BAR', () => {
    const pes = [
      pe('0000:01', [
        fn(A, [ok(0, 0x1000_0000n), bar(1, 'io', 0x1000n, 0x100n)], {
          msix: { tableBar: 0, tableOffset: 0xff0n, vectors: 2, pbaBar: 1, pbaOffset: 0n },
        }),
        fn(B, [ok(0, 0x1001_0000n)], { msix: { tableBar: 2, tableOffset: 0n, vectors: 1 } }),
      ]),
    ];
    expect(scenarioProblems(scenario(H, pes))).toEqual([
      {
        path: 'pes[0].functions[0].msix.tableOffset',
        message: 'MSI-X table [0xff0, 0x1010) reaches past the end of BAR 0 (size 0x1000)',
      },
      { path: 'pes[0].functions[0].msix.pbaBar', message: 'MSI-X PBA cannot be in the io BAR 1' },
      {
        path: 'pes[0].functions[1].msix.tableBar',
        message: 'MSI-X table is in BAR 2, which the function does not have',
      },
    ]);
  });

  it("names the VM's PEs, slot use and guest BARs that break a rule", () => {
    const pes = [
      pe('0000:01', [fn(A, [ok(0, 0x1000_0000n), bar(1, 'io', 0x1000n, 0x100n)])]),
      pe('0000:02', [fn(B, [ok(0, 0x2000_0000n)])]),
    ];
    const v = vm(H, pes, {
      assignedPes: ['0000:01', '0000:01', '0000:09'],
      memslotsUsed: H.kvmMemslots + 1,
      guestBars: [
        { bdf: A, index: 0, address: 0x8000_0000n },
        { bdf: '0000:07:00.0', index: 0, address: 0n },
        { bdf: A, index: 3, address: 0n },
        { bdf: A, index: 1, address: 0n },
        { bdf: B, index: 0, address: 0x8000_1800n },
        { bdf: A, index: 0, address: 0xffff_ffff_ffff_f800n },
      ],
    });
    expect(scenarioProblems(scenario(H, pes, v))).toEqual([
      { path: 'vm.assignedPes[1]', message: 'PE "0000:01" is given twice' },
      { path: 'vm.assignedPes[2]', message: 'names no PE: "0000:09"' },
      { path: 'vm.memslotsUsed', message: `${H.kvmMemslots + 1} is above the host's kvmMemslots (${H.kvmMemslots})` },
      { path: 'vm.guestBars[1].bdf', message: 'no function 0000:07:00.0 on this host' },
      { path: 'vm.guestBars[2].index', message: `function ${A} has no BAR 3` },
      { path: 'vm.guestBars[3].index', message: `BAR 1 of ${A} is io, which is never mapped into the guest` },
      { path: 'vm.guestBars[4].bdf', message: `function ${B} is in PE "0000:02", which is not assigned to the VM` },
      { path: 'vm.guestBars[4].address', message: "guest address 0x80001800 is not aligned to the BAR's size 0x1000" },
      { path: 'vm.guestBars[5]', message: `BAR 0 of ${A} is given twice (first at vm.guestBars[0])` },
      {
        path: 'vm.guestBars[5].address',
        message: "guest address 0xfffffffffffff800 is not aligned to the BAR's size 0x1000",
      },
      { path: 'vm.guestBars[5].address', message: 'guest address + BAR size is above 2^64' },
    ]);
  });
});
