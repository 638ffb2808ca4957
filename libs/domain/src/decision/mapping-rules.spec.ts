import { planScenario } from '../plan/plan-scenario';
import { scenarioProblems } from '../scenario/scenario-problems';
import { bar, decisionOf, fn, host, pe, ranges, scenario, vm } from '../testing/scenario-builder';

// Decision 1 branch by branch, beyond the worked examples.
const P = 0x10000n;
const F0 = '0000:01:00.0';
const F1 = '0000:01:00.1';

function planOne(
  bars: ReturnType<typeof bar>[],
  opts: {
    kernel?: object;
    vm?: object | null;
    msix?: object;
    guest?: bigint;
    reserved?: { start: bigint; end: bigint }[];
  } = {},
) {
  const h = host('arm64', P, {
    kernel: {
      subPageMmap: true,
      msixMappable: true,
      sparseMmap: false,
      defaultPageAlignment: false,
      vfioPci: true,
      ...opts.kernel,
    },
    reservedRanges: opts.reserved ?? [],
  });
  const pes = [pe('0000:01', [fn(F0, bars, opts.msix ? { msix: opts.msix as never } : {})])];
  const guestBars = opts.guest === undefined ? [] : [{ bdf: F0, index: bars[0].index, address: opts.guest }];
  return planScenario(scenario(h, pes, opts.vm === null ? undefined : vm(h, pes, { guestBars, ...opts.vm })));
}

describe('decision 1: mapping mode of each BAR', () => {
  it('an unimplemented BAR (size 0) is ABSENT', () => {
    expect(decisionOf(planOne([bar(0, 'mem32', 0n, 0n)]), F0, 0)).toMatchObject({
      mode: 'ABSENT',
      reasons: ['ZERO_SIZE'],
    });
  });

  it('a size-0 I/O or ROM BAR is ABSENT too: vfio reports no region for it (rule set 2)', () => {
    // The conformance lab's PowerNV e1000e: BAR 2 is an I/O BAR the kernel could not assign.
    expect(decisionOf(planOne([bar(2, 'io', 0n, 0n)]), F0, 2)).toMatchObject({
      mode: 'ABSENT',
      reasons: ['ZERO_SIZE'],
    });
    expect(decisionOf(planOne([bar(6, 'rom', 0n, 0n)]), F0, 6)).toMatchObject({
      mode: 'ABSENT',
      reasons: ['ZERO_SIZE'],
    });
  });

  it('a kernel without sub-page mmap emulates an aligned sub-page BAR', () => {
    const plan = planOne([bar(0, 'mem32', 0x80000000n, 0x1000n)], {
      kernel: { subPageMmap: false },
      guest: 0x40000000n,
    });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_SUBPAGE_UNALIGNED'] });
  });

  it('a reserved range in the rest of the page makes the remainder busy', () => {
    const plan = planOne([bar(0, 'mem32', 0x80000000n, 0x1000n)], {
      reserved: [{ start: 0x8000f000n, end: 0x80010000n }],
      guest: 0x40000000n,
    });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_PAGE_REMAINDER_BUSY'] });
  });

  it('a sibling BAR of the same PE in the rest of the page makes the remainder busy too', () => {
    const h = host('arm64', P);
    const pes = [
      pe('0000:01', [fn(F0, [bar(0, 'mem32', 0x80000000n, 0x1000n)]), fn(F1, [bar(0, 'mem32', 0x80008000n, 0x1000n)])]),
    ];
    const plan = planScenario(scenario(h, pes));
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_PAGE_REMAINDER_BUSY'] });
    expect(decisionOf(plan, F1, 0)).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_SUBPAGE_UNALIGNED'] });
    expect(plan.pes[0].alignment).toMatchObject({ policy: 'PARAM_RESIZE', barsGainingMmap: 2 });
  });

  it('an I/O BAR in the rest of the page does not count: I/O is another address space', () => {
    const plan = planOne([bar(0, 'mem32', 0x80000000n, 0x1000n), bar(1, 'io', 0x80001000n, 0x100n)], {
      guest: 0x40000000n,
    });
    expect(decisionOf(plan, F0, 0).mode).toBe('DIRECT_PAGE_EXPANDED');
  });

  it('without a VM every host-eligible BAR is PENDING', () => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x100000n)], { vm: null });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'PENDING', reasons: ['GUEST_BAR_UNMAPPED'], slots: 0 });
    expect(plan.vm).toBeUndefined();
  });

  it('a PE not given to the VM is PENDING even when the VM exists', () => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x100000n)], { vm: { assignedPes: [] } });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'PENDING', reasons: ['GUEST_BAR_UNMAPPED'] });
  });

  it('an assigned BAR the guest has not programmed is PENDING', () => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x100000n)]);
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'PENDING', reasons: ['GUEST_BAR_UNMAPPED'] });
  });

  it('x-no-mmap emulates every eligible BAR', () => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x100000n)], { vm: { noMmap: true }, guest: 0x40000000n });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'EMULATED', reasons: ['MMAP_DISABLED'], advice: [] });
  });

  it('a relocated MSI-X table no longer traps its BAR', () => {
    const msix = { tableBar: 0, tableOffset: 0x2000n, vectors: 32 };
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x4000n)], {
      msix,
      vm: { msixRelocation: 'bar2' },
      guest: 0x40000000n,
    });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'DIRECT_PAGE_EXPANDED',
      reasons: ['MSIX_RELOCATED', 'EXPANDED_TO_PAGE'],
    });
  });

  it.each([
    {
      what: 'the kernel cuts the table page out of a large BAR whatever QEMU does',
      size: 0x40000n,
      msix: { tableBar: 0, tableOffset: 0x10000n, vectors: 16 },
      expected: {
        mode: 'PARTIAL_DIRECT',
        reasons: ['NO_MSIX_MAPPABLE_SPARSE', 'MSIX_TABLE_TRAPPED'],
        slots: 2,
        directRanges: ranges([0n, 0x10000n], [0x20000n, 0x20000n]),
        // Relocation cannot undo the kernel's cut, so no MSIX_RELOCATION advice.
        advice: [],
      },
    },
    {
      what: 'a table page covering the whole BAR leaves no mmap at all',
      size: 0x10000n,
      msix: { tableBar: 0, tableOffset: 0n, vectors: 3 },
      expected: { mode: 'EMULATED', reasons: ['NO_MSIX_MAPPABLE_SPARSE', 'MSIX_PAGE_COVERS_BAR'] },
    },
  ])('before 4.16 $what', ({ size, msix, expected }) => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, size)], {
      msix,
      kernel: { msixMappable: false },
      guest: 0x40000000n,
    });
    expect(decisionOf(plan, F0, 0)).toMatchObject(expected);
  });

  it('a page-multiple BAR is DIRECT in one slot', () => {
    const plan = planOne([bar(0, 'mem64', 0x80000000n, 0x20000n)], { guest: 0x40000000n });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'DIRECT',
      reasons: [],
      slots: 1,
      directRanges: [{ offset: 0n, size: 0x20000n }],
    });
  });

  it('slots are spent in (PE, BDF, index) order: the later BAR finds the budget empty', () => {
    const h = host('x86_64', 0x1000n, { kvmMemslots: 10 });
    const pes = [
      pe('0000:02', [fn('0000:02:00.0', [bar(0, 'mem64', 0x90000000n, 0x1000n)])]),
      pe('0000:01', [fn(F0, [bar(0, 'mem64', 0x80000000n, 0x1000n)])]),
    ];
    const guestBars = [
      { bdf: '0000:02:00.0', index: 0, address: 0x50000000n },
      { bdf: F0, index: 0, address: 0x40000000n },
    ];
    const plan = planScenario(scenario(h, pes, vm(h, pes, { memslotsUsed: 9, guestBars })));
    expect(plan.bars.map((b) => [b.pe, b.mode])).toEqual([
      ['0000:01', 'DIRECT'],
      ['0000:02', 'EMULATED'],
    ]);
    const [budget] = decisionOf(plan, '0000:02:00.0', 0).advice;
    expect(budget).toMatchObject({ kind: 'SLOT_BUDGET', slotsNeeded: 1, slotsFree: 0 });
    expect(budget.apply.map((f) => f.target)).toEqual(['libvirt-xml', 'qemu-cmdline']);
    expect(budget.apply[1].text).toBe('-device vfio-pci,host=0000:02:00.0,x-no-mmap=on');
    expect(budget.apply[0].text).toContain("<qemu:property name='x-no-mmap' type='bool' value='true'/>");
  });

  it('decides BARs near the top of the 64-bit space exactly (a number would round them)', () => {
    const top = 0xffffffffffff0000n;
    const h = host('powernv', P);
    const pes = [
      pe('ffff:ff', [
        fn('ffff:ff:1f.7', [bar(0, 'mem64', top, 0x1000n), bar(2, 'mem64', 0xfffffffffffe1000n, 0x1000n)]),
      ]),
    ];
    const guestBars = [{ bdf: 'ffff:ff:1f.7', index: 0, address: top }];
    const plan = planScenario(scenario(h, pes, vm(h, pes, { guestBars })));
    expect(decisionOf(plan, 'ffff:ff:1f.7', 0)).toMatchObject({
      mode: 'DIRECT_PAGE_EXPANDED',
      directRanges: [{ offset: 0n, size: P }],
    });
    expect(decisionOf(plan, 'ffff:ff:1f.7', 2)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['HOST_SUBPAGE_UNALIGNED'],
    });
  });
});

describe('decision 1, step 0: a host kernel that cannot bind vfio-pci', () => {
  // POWER 5.19-6.3: vfio-pci's probe fails -EINVAL (the conformance lab's Debian 6.1.176 ppc64el).
  const power61 = (over: object = {}) =>
    host('powernv', P, { kernel: { ...host('powernv', P).kernel, vfioPci: false }, ...over });
  const unavailable = {
    mode: 'UNAVAILABLE',
    reasons: ['VFIO_PCI_UNBINDABLE'],
    slots: 0,
    directRanges: [],
    advice: [{ kind: 'HOST_KERNEL', minimumVersion: '6.4', commit: 'a940904443e4', apply: [] }],
  };
  const msix = { tableBar: 0, tableOffset: 0x2000n, vectors: 32, pbaBar: 0, pbaOffset: 0x3000n };
  const every = fn(
    F0,
    [
      bar(0, 'mem64', 0x3fe080000000n, 0x4000n), // MSI-X table BAR, sub-page, page aligned
      bar(2, 'mem32', 0x3fe080021000n, 0x1000n), // sub-page off a page boundary
      bar(3, 'io', 0x1000n, 0x20n),
      bar(4, 'mem32', 0x3fe100000000n, 0x100000n), // page multiple
      bar(5, 'mem32', 0n, 0n), // unimplemented
      bar(6, 'rom', 0x3fe080040000n, 0x10000n),
    ],
    { msix },
  );
  const guestBars = [
    { bdf: F0, index: 0, address: 0x80000000n },
    { bdf: F0, index: 2, address: 0x80021000n },
    { bdf: F0, index: 4, address: 0x80100000n },
  ];

  it('makes every BAR UNAVAILABLE, whatever its kind or size, with a VM or without', () => {
    const h = power61();
    const pes = [pe('0000:01', [every])];
    expect(scenarioProblems(scenario(h, pes, vm(h, pes, { guestBars })))).toEqual([]);
    for (const plan of [planScenario(scenario(h, pes)), planScenario(scenario(h, pes, vm(h, pes, { guestBars })))]) {
      expect(plan.bars.map((b) => b.index)).toEqual([0, 2, 3, 4, 5, 6]);
      for (const d of plan.bars) expect(d).toMatchObject(unavailable);
    }
  });

  it('decides nothing else: no VM setting, MSI-X relocation or slot budget adds a reason', () => {
    const h = power61({ kvmMemslots: 1 });
    const pes = [pe('0000:01', [every])];
    for (const over of [
      { noMmap: true },
      { msixRelocation: 'bar5' as const },
      { memslotsUsed: 1 },
      { machine: 'q35' as const, msixEmulation: true },
    ]) {
      const plan = planScenario(scenario(h, pes, vm(h, pes, { guestBars, ...over })));
      for (const d of plan.bars) expect(d).toMatchObject(unavailable);
      expect(plan.vm).toMatchObject({ slotsNeeded: 0 });
    }
  });

  it('is not a host reason: the PE needs no alignment for it (no alignment makes vfio-pci bind)', () => {
    const h = host('arm64', P, { kernel: { ...host('arm64', P).kernel, vfioPci: false } });
    const pes = [pe('0000:01', [fn(F0, [bar(0, 'mem32', 0xf0001000n, 0x1000n)])])];
    const plan = planScenario(scenario(h, pes));
    expect(decisionOf(plan, F0, 0)).toMatchObject(unavailable);
    expect(plan.pes[0].alignment).toMatchObject({ policy: 'NONE', kernelParameter: null, barsGainingMmap: 0 });
  });

  it('shares one outcome and one advice list between BARs (a host has thousands)', () => {
    const h = power61();
    const plan = planScenario(scenario(h, [pe('0000:01', [every])]));
    expect(new Set(plan.bars.map((b) => b.reasons)).size).toBe(1);
    expect(new Set(plan.bars.map((b) => b.advice)).size).toBe(1);
  });

  it('with vfioPci true decides every BAR as rule set 1 did (step 0 does not fire)', () => {
    const pes = [pe('0000:01', [every])];
    const bindable = power61({ kernel: { ...host('powernv', P).kernel, vfioPci: true } });
    const plan = planScenario(scenario(bindable, pes, vm(bindable, pes, { guestBars })));
    expect(plan).toEqual(planScenario(scenario(host('powernv', P), pes, vm(host('powernv', P), pes, { guestBars }))));
    expect(plan.bars.map((b) => [b.index, b.mode, b.reasons])).toEqual([
      [0, 'DIRECT_PAGE_EXPANDED', ['EXPANDED_TO_PAGE']],
      [2, 'EMULATED', ['HOST_SUBPAGE_UNALIGNED']],
      [3, 'EMULATED', ['IO_BAR']],
      [4, 'DIRECT', []],
      [5, 'ABSENT', ['ZERO_SIZE']],
      [6, 'EMULATED', ['ROM_BAR']],
    ]);
  });
});
