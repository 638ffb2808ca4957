import {
  bar,
  decisionOf,
  F0,
  fn,
  host,
  NVME_MSIX,
  P4K,
  P64K,
  pe,
  planF0,
  planPe,
  ranges,
  scenario,
} from '../testing/scenario-builder';
import { planScenario } from './plan-scenario';

// The worked examples of domain.md, given/when/then: given the facts, when the host is
// planned, then each BAR's mode, reasons, slots, ranges and advice are exactly these.
describe('worked examples of domain.md', () => {
  it('1: sub-page BAR off a 64K page boundary is emulated and the PE needs resize alignment', () => {
    const plan = planF0(host('arm64', P64K), [bar(0, 'mem32', 0xf0001000n, 0x1000n)], 0x40002000n);
    const param = 'pci=resource_alignment=16@0000:01:00.0';
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['HOST_SUBPAGE_UNALIGNED'],
      slots: 0,
      directRanges: [],
      advice: [{ kind: 'HOST_ALIGNMENT', kernelParameter: param }],
    });
    expect(plan.pes[0].alignment).toEqual({
      policy: 'PARAM_RESIZE',
      override: 'auto',
      kernelParameter: param,
      mmioCost: 0xf000n,
      barsGainingMmap: 1,
      reasons: [],
    });
  });

  it('2: page-aligned sub-page BAR with a free page remainder and an aligned guest grows to one page', () => {
    const plan = planF0(host('powernv', P64K), [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)], 0x80010000n);
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'DIRECT_PAGE_EXPANDED',
      reasons: ['EXPANDED_TO_PAGE'],
      slots: 1,
      directRanges: [{ offset: 0n, size: P64K }],
      advice: [],
    });
    expect(plan.pes[0].alignment).toMatchObject({
      policy: 'PLATFORM_PAGE_STARTALIGN',
      mmioCost: 0xf000n,
      kernelParameter: null,
    });
    expect(plan.vm).toEqual({ id: 'vm1', slotsUsedBefore: 0, slotsNeeded: 1, slotLimit: 32767 });
  });

  it('3: the same BAR at a guest address that is only 4K aligned is emulated, with a page to move it to', () => {
    const plan = planF0(host('powernv', P64K), [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)], 0x80011000n);
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['GUEST_SUBPAGE_UNALIGNED'],
      advice: [{ kind: 'GUEST_PLACEMENT', address: 0x80020000n }],
    });
  });

  it('4: three functions packed in one 64K page are all emulated; the PE resize costs 0x2df00', () => {
    const h = host('arm64', P64K);
    const pes = [
      pe('0000:01', [
        fn('0000:01:00.0', [bar(0, 'mem32', 0xfeaed000n, 0x1000n)]),
        fn('0000:01:00.1', [bar(0, 'mem32', 0xfeaee000n, 0x1000n)]),
        fn('0000:01:00.2', [bar(0, 'mem32', 0xfeaef800n, 0x100n)]),
      ]),
    ];
    const plan = planScenario(scenario(h, pes));
    const param = 'pci=resource_alignment=16@0000:01:00.0;16@0000:01:00.1;16@0000:01:00.2';
    expect(plan.bars.map((b) => [b.mode, b.reasons])).toEqual([
      ['EMULATED', ['HOST_SUBPAGE_UNALIGNED']],
      ['EMULATED', ['HOST_SUBPAGE_UNALIGNED']],
      ['EMULATED', ['HOST_SUBPAGE_UNALIGNED']],
    ]);
    expect(plan.bars.every((b) => b.advice.length === 1 && b.advice[0].kind === 'HOST_ALIGNMENT')).toBe(true);
    expect(plan.pes[0].alignment).toMatchObject({
      policy: 'PARAM_RESIZE',
      kernelParameter: param,
      mmioCost: 0x2df00n,
      barsGainingMmap: 3,
    });
    expect(plan.vm).toBeUndefined();
  });

  it('5: NVMe on a 4K q35 guest traps its MSI-X table page and maps the rest in two slots', () => {
    const plan = planF0(host('x86_64', P4K), [bar(0, 'mem64', 0xfcf00000n, 0x4000n)], 0xfe000000n, { msix: NVME_MSIX });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'PARTIAL_DIRECT',
      reasons: ['MSIX_TABLE_TRAPPED', 'KVM_PAGE_TRIM'],
      slots: 2,
      directRanges: ranges([0n, 0x2000n], [0x3000n, 0x1000n]),
      advice: [{ kind: 'MSIX_RELOCATION', option: 'x-msix-relocation=bar2', target: 2, barSize: 0x1000n }],
    });
    expect(plan.vm?.slotLimit).toBe(32764);
  });

  it('6: the same NVMe on a 64K host with a pseries guest (no MSI-X emulation) is one expanded slot', () => {
    const bars = [bar(0, 'mem64', 0x600c080000000n, 0x4000n)];
    const plan = planF0(host('powernv', P64K), bars, 0x10000000n, { msix: NVME_MSIX });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'DIRECT_PAGE_EXPANDED',
      reasons: ['EXPANDED_TO_PAGE'],
      slots: 1,
    });
    expect(plan.pes[0].alignment.mmioCost).toBe(0xc000n);
  });

  it('7: the same NVMe with an arm64 virt guest loses its only page to the table trap', () => {
    const bars = [bar(0, 'mem64', 0x630040010000n, 0x4000n)];
    const plan = planF0(host('arm64', P64K), bars, 0x10000000n, { msix: NVME_MSIX });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['EXPANDED_TO_PAGE', 'MSIX_TABLE_TRAPPED', 'KVM_PAGE_TRIM'],
      slots: 0,
      advice: [{ kind: 'MSIX_RELOCATION', option: 'x-msix-relocation=bar2', target: 2, barSize: 0x10000n }],
    });
  });

  it('8 and 9: 82599 on x86: I/O BAR emulated, MSI-X BAR mapped after the table page', () => {
    const msix = { tableBar: 4, tableOffset: 0n, vectors: 64, pbaBar: 4, pbaOffset: 0x2000n };
    const bars = [
      bar(0, 'mem64', 0xf6380000n, 0x80000n),
      bar(2, 'io', 0x6000n, 0x20n),
      bar(4, 'mem64', 0xf6370000n, 0x4000n),
    ];
    const guestBars = [
      { bdf: F0, index: 0, address: 0xfe000000n },
      { bdf: F0, index: 4, address: 0xfe080000n },
    ];
    const plan = planPe(host('x86_64', P4K), [fn(F0, bars, { msix })], guestBars);
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'DIRECT',
      reasons: [],
      slots: 1,
      directRanges: [{ offset: 0n, size: 0x80000n }],
    });
    expect(decisionOf(plan, F0, 2)).toMatchObject({ mode: 'EMULATED', reasons: ['IO_BAR'], slots: 0, advice: [] });
    expect(decisionOf(plan, F0, 4)).toMatchObject({
      mode: 'PARTIAL_DIRECT',
      reasons: ['MSIX_TABLE_TRAPPED', 'KVM_PAGE_TRIM'],
      slots: 1,
      directRanges: [{ offset: 0x1000n, size: 0x3000n }],
      // Index 3 is free (BAR2 is a 32-bit I/O BAR), so QEMU would add the table there.
      advice: [{ kind: 'MSIX_RELOCATION', option: 'x-msix-relocation=bar3', target: 3, barSize: 0x1000n }],
    });
    expect(plan.vm?.slotsNeeded).toBe(2);
  });

  it('10: an expansion ROM is always emulated', () => {
    const bars = [bar(0, 'mem64', 0xe0000000n, 0x10000000n), bar(6, 'rom', 0xdd000000n, 0x80000n)];
    const plan = planF0(host('x86_64', P4K), bars, 0xc0000000n);
    expect(decisionOf(plan, F0, 6)).toMatchObject({ mode: 'EMULATED', reasons: ['ROM_BAR'], slots: 0 });
    expect(decisionOf(plan, F0, 0)).toMatchObject({ mode: 'DIRECT', slots: 1 });
  });

  it('11: another guest BAR inside the expanded page fragments it to nothing', () => {
    const functions = [
      fn('0000:01:00.0', [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)]),
      fn('0000:01:00.1', [bar(0, 'mem32', 0x3fe080020000n, 0x1000n)]),
    ];
    const guestBars = [
      { bdf: '0000:01:00.0', index: 0, address: 0x80010000n },
      { bdf: '0000:01:00.1', index: 0, address: 0x80018000n },
    ];
    const plan = planPe(host('powernv', P64K), functions, guestBars);
    expect(decisionOf(plan, '0000:01:00.0', 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['EXPANDED_TO_PAGE', 'GUEST_PAGE_SHARED', 'KVM_PAGE_TRIM'],
      advice: [{ kind: 'GUEST_PLACEMENT', address: 0x80020000n }],
    });
    expect(decisionOf(plan, '0000:01:00.1', 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['GUEST_SUBPAGE_UNALIGNED'],
      advice: [{ kind: 'GUEST_PLACEMENT', address: 0x80020000n }],
    });
    expect(plan.pes[0].alignment.mmioCost).toBe(0x1e000n);
  });

  it('12: a BAR needing two slots with one left is emulated and the only advice is the slot budget', () => {
    const h = host('x86_64', P4K, { kvmMemslots: 509 });
    const bars = [bar(0, 'mem64', 0xfcf00000n, 0x4000n)];
    const plan = planF0(h, bars, 0xfe000000n, { msix: NVME_MSIX, vm: { memslotsUsed: 508 } });
    expect(decisionOf(plan, F0, 0)).toMatchObject({
      mode: 'EMULATED',
      reasons: ['MSIX_TABLE_TRAPPED', 'KVM_PAGE_TRIM', 'KVM_SLOTS_EXHAUSTED'],
      slots: 0,
      directRanges: [],
      advice: [{ kind: 'SLOT_BUDGET', slotsNeeded: 2, slotsFree: 1 }],
    });
    expect(plan.vm).toEqual({ id: 'vm1', slotsUsedBefore: 508, slotsNeeded: 0, slotLimit: 509 });
  });
});
