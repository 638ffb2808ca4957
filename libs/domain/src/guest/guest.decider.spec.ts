import { deciderSpecification } from '../decider/testing/decider-specification';
import { HostFacts } from '../host-registry/host-facts';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { Vm } from '../pci/vm';
import { GuestCommand } from './guest.commands';
import { guestDecider } from './guest.decider';
import { GuestEvent } from './guest.events';

const spec = deciderSpecification(guestDecider);
const nvme = fn('0000:01:00.0', [bar(0, 'mem64', 0xfe000000n, 0x4000n)], {
  msix: { tableBar: 0, tableOffset: 0x2000n, vectors: 32 },
});
const nic = fn(
  '0000:01:00.1',
  [bar(0, 'mem32', 0xfe100000n, 0x1000n), bar(2, 'io', 0x1000n, 0x20n), bar(6, 'rom', 0xfe200000n, 0x800n)],
  {
    msix: { tableBar: 0, tableOffset: 0n, vectors: 4 },
  },
);
const gpu = fn('0000:02:00.0', [bar(0, 'mem64', 0xfe300000n, 0x10000n)]);
const facts: HostFacts = {
  host: host('x86_64', 0x1000n, { id: 'x1', kvmMemslots: 509 }),
  pes: [pe('iommu-1', [nic, nvme]), pe('iommu-2', [gpu])],
};
const vmOf = (id: string, over: Partial<Vm> = {}): Vm => ({
  id,
  machine: 'q35',
  msixEmulation: true,
  noMmap: false,
  msixRelocation: 'off',
  memslotsUsed: 0,
  assignedPes: [],
  guestBars: [],
  ...over,
});
const created = (id: string, over: Partial<Vm> = {}): GuestEvent => ({
  type: 'VmCreated',
  data: { vm: vmOf(id, over) },
});
const assigned = (vmId: string, peId = 'iommu-1', functions = [nvme.bdf, nic.bdf]): GuestEvent => ({
  type: 'PeAssigned',
  data: { vmId, peId, functions },
});
const assign = (vmId: string, by: { peId: string } | { bdf: string }): GuestCommand => ({
  type: 'AssignPe',
  data: { vmId, ...by },
});
const program = (address: bigint, bdf = nic.bdf, index = 0, vmId = 'vm-a'): GuestCommand => ({
  type: 'ProgramGuestBar',
  data: { vmId, bdf, index, address },
});
const vmA = [created('vm-a'), assigned('vm-a')];

describe('guest-memory: CreateVm', () => {
  it('applies the scenario.md defaults from the host platform and machine', () => {
    spec
      .given([])
      .when({ type: 'CreateVm', data: { vmId: 'vm-a' } }, facts)
      .then([created('vm-a')]);
    const p9: HostFacts = { host: host('powernv', 0x10000n), pes: [] };
    spec
      .given([])
      .when({ type: 'CreateVm', data: { vmId: 'vm-p' } }, p9)
      .then([created('vm-p', { machine: 'pseries', msixEmulation: false })]);
    spec
      .given([])
      .when(
        {
          type: 'CreateVm',
          data: { vmId: 'vm-v', machine: 'virt', noMmap: true, msixRelocation: 'bar2', memslotsUsed: 509 },
        },
        facts,
      )
      .then([created('vm-v', { machine: 'virt', noMmap: true, msixRelocation: 'bar2', memslotsUsed: 509 })]);
  });

  it('refuses a duplicate VM id (CONFLICT), memslotsUsed above kvmMemslots (VALIDATION), and unknown host facts (NOT_FOUND)', () => {
    spec
      .given([created('vm-a')])
      .when({ type: 'CreateVm', data: { vmId: 'vm-a' } }, facts)
      .thenThrows('CONFLICT', /"vm-a" already exists/);
    const error = spec
      .given([])
      .when({ type: 'CreateVm', data: { vmId: 'vm-b', memslotsUsed: 510 } }, facts)
      .thenThrows('VALIDATION');
    expect(error.problems).toEqual([{ path: 'memslotsUsed', message: "510 is above the host's kvmMemslots (509)" }]);
    spec
      .given([])
      .when({ type: 'CreateVm', data: { vmId: 'vm-b' } }, undefined)
      .thenThrows('NOT_FOUND', /no host facts/);
  });
});

describe('guest-memory: AssignPe', () => {
  it('assigns a whole PE by id or by the BDF of any member, listing its functions in order', () => {
    spec
      .given([created('vm-a')])
      .when(assign('vm-a', { peId: 'iommu-1' }), facts)
      .then([assigned('vm-a')]);
    spec
      .given([created('vm-a')])
      .when(assign('vm-a', { bdf: nvme.bdf }), facts)
      .then([assigned('vm-a')]);
  });

  it('yields nothing for a PE already on the same VM', () => {
    spec
      .given(vmA)
      .when(assign('vm-a', { bdf: nic.bdf }), facts)
      .then([]);
  });

  it('refuses an unknown VM, PE or BDF (NOT_FOUND) and a BDF outside the named PE (VALIDATION)', () => {
    spec
      .given([])
      .when(assign('vm-x', { peId: 'iommu-1' }), facts)
      .thenThrows('NOT_FOUND', /"vm-x"/);
    spec
      .given([created('vm-a')])
      .when(assign('vm-a', { peId: 'iommu-9' }), facts)
      .thenThrows('NOT_FOUND', /"iommu-9"/);
    spec
      .given([created('vm-a')])
      .when(assign('vm-a', { bdf: '0000:09:00.0' }), facts)
      .thenThrows('NOT_FOUND', /0000:09:00.0/);
    spec
      .given([created('vm-a')])
      .when({ type: 'AssignPe', data: { vmId: 'vm-a', peId: 'iommu-2', bdf: nic.bdf } }, facts)
      .thenThrows('VALIDATION', /"iommu-1", not "iommu-2"/);
  });

  it('refuses a PE any function of which another VM holds, naming each sibling and its VM (CONFLICT)', () => {
    const error = spec
      .given([...vmA, created('vm-b')])
      .when(assign('vm-b', { bdf: nic.bdf }), facts)
      .thenThrows('CONFLICT', /0000:01:00.0.*"vm-a".*0000:01:00.1.*"vm-a"/);
    expect(error.problems).toEqual([
      { path: 'bdf', message: 'function 0000:01:00.0 of PE "iommu-1" is given to VM "vm-a"' },
      { path: 'bdf', message: 'function 0000:01:00.1 of PE "iommu-1" is given to VM "vm-a"' },
    ]);
    const split: HostFacts = { ...facts, pes: [pe('iommu-1', [nvme]), pe('iommu-3', [nic]), pe('iommu-2', [gpu])] };
    const moved = spec
      .given([...vmA, created('vm-b')])
      .when(assign('vm-b', { peId: 'iommu-3' }), split)
      .thenThrows('CONFLICT');
    expect(moved.problems).toEqual([
      { path: 'peId', message: 'function 0000:01:00.1 of PE "iommu-3" is given to VM "vm-a"' },
    ]);
  });

  it('lets another VM take the PE once it is released', () => {
    spec
      .given([...vmA, created('vm-b'), { type: 'PeReleased', data: { vmId: 'vm-a', peId: 'iommu-1' } }])
      .when(assign('vm-b', { peId: 'iommu-1' }), facts)
      .then([assigned('vm-b')]);
  });

  it("refuses a PE whose MSI-X functions cannot take the VM's msixRelocation target (VALIDATION)", () => {
    const upper = spec
      .given([created('vm-r', { msixRelocation: 'bar1' })])
      .when(assign('vm-r', { peId: 'iommu-1' }), facts)
      .thenThrows('VALIDATION');
    expect(upper.problems).toEqual([
      {
        path: 'msixRelocation',
        message: 'VM "vm-r" relocates MSI-X to bar1, but bar1 of 0000:01:00.0 is the upper half of its mem64 BAR 0',
      },
    ]);
    spec
      .given([created('vm-r', { msixRelocation: 'bar2' })])
      .when(assign('vm-r', { peId: 'iommu-1' }), facts)
      .thenThrows('VALIDATION', /bar2 of 0000:01:00.1 is an io BAR/);
    spec
      .given([created('vm-r', { msixRelocation: 'bar2' })])
      .when(assign('vm-r', { peId: 'iommu-2' }), facts)
      .then([assigned('vm-r', 'iommu-2', [gpu.bdf])]);
  });
});

describe('guest-memory: ProgramGuestBar', () => {
  it('records the guest address; the same address again yields nothing, a new one replaces it', () => {
    const state = spec
      .given(vmA)
      .when(program(0x80010000n), facts)
      .then([{ type: 'GuestBarProgrammed', data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address: 0x80010000n } }]);
    expect(state.vms.get('vm-a')!.guestBars).toEqual([{ bdf: nic.bdf, index: 0, address: 0x80010000n }]);
    const given: GuestEvent[] = [
      ...vmA,
      { type: 'GuestBarProgrammed', data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address: 0x80010000n } },
    ];
    spec.given(given).when(program(0x80010000n), facts).then([]);
    const moved = spec
      .given(given)
      .when(program(0x80020000n), facts)
      .then([{ type: 'GuestBarProgrammed', data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address: 0x80020000n } }]);
    expect(moved.vms.get('vm-a')!.guestBars).toEqual([{ bdf: nic.bdf, index: 0, address: 0x80020000n }]);
  });

  it('refuses an unknown VM, function or BAR index (NOT_FOUND)', () => {
    spec
      .given(vmA)
      .when(program(0n, nic.bdf, 0, 'vm-x'), facts)
      .thenThrows('NOT_FOUND', /"vm-x"/);
    spec
      .given(vmA)
      .when(program(0n, '0000:01:00.7'), facts)
      .thenThrows('NOT_FOUND', /0000:01:00.7/);
    spec
      .given(vmA)
      .when(program(0n, nic.bdf, 4), facts)
      .thenThrows('NOT_FOUND', /BAR 4/);
  });

  it('refuses a function whose PE is not assigned to the VM, io and rom BARs, and a misaligned address (VALIDATION)', () => {
    spec
      .given(vmA)
      .when(program(0x80000000n, gpu.bdf), facts)
      .thenThrows('VALIDATION', /not given to VM "vm-a"/);
    spec
      .given([...vmA, created('vm-b')])
      .when(program(0x80000000n, nic.bdf, 0, 'vm-b'), facts)
      .thenThrows('VALIDATION', /not given to VM "vm-b"/);
    spec
      .given(vmA)
      .when(program(0x1000n, nic.bdf, 2), facts)
      .thenThrows('VALIDATION', /io, which is never mapped/);
    spec
      .given(vmA)
      .when(program(0x80000000n, nic.bdf, 6), facts)
      .thenThrows('VALIDATION', /rom, which is never mapped/);
    const error = spec.given(vmA).when(program(0x80012000n, nvme.bdf), facts).thenThrows('VALIDATION');
    expect(error.problems).toEqual([
      { path: 'address', message: "guest address 0x80012000 is not aligned to the BAR's size 0x4000" },
    ]);
  });

  it('keeps a 0xfffffffffffff000 guest address exact through decide and evolve, and refuses one past 2^64', () => {
    const address = 0xfffffffffffff000n;
    const state = spec
      .given(vmA)
      .when(program(address), facts)
      .then([{ type: 'GuestBarProgrammed', data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address } }]);
    expect(state.vms.get('vm-a')!.guestBars[0].address).toBe(0xfffffffffffff000n);
    expect(state.vms.get('vm-a')!.guestBars[0].address.toString(16)).toBe('fffffffffffff000');
    spec
      .given(vmA)
      .when(program(1n << 64n), facts)
      .thenThrows('VALIDATION', /above 2\^64/);
  });
});

describe('guest-memory: ProgramGuestBars', () => {
  type Entry = { bdf: string; index: number; address: bigint | null };
  const set = (bars: Entry[], vmId = 'vm-a'): GuestCommand => ({ type: 'ProgramGuestBars', data: { vmId, bars } });
  const programmed = (
    functions: string[],
    bars: { bdf: string; index: number; address: bigint }[],
    vmId = 'vm-a',
  ): GuestEvent => ({ type: 'GuestBarsProgrammed', data: { vmId, functions, bars } });
  const both: GuestEvent[] = [...vmA, created('vm-b'), assigned('vm-b', 'iommu-2', [gpu.bdf])];
  /** Both functions' BAR 0, as a set programs them and the VM then holds them. */
  const pair = [
    { bdf: nvme.bdf, index: 0, address: 0x80004000n },
    { bdf: nic.bdf, index: 0, address: 0x80010000n },
  ];
  const pairProgrammed = programmed([nvme.bdf, nic.bdf], pair);
  const pairGiven = [...vmA, pairProgrammed];

  it('programs the whole set as one event: functions in code-point order, BARs by index', () => {
    const state = spec.given(vmA).when(set(pair), facts).then([pairProgrammed]);
    expect(state.vms.get('vm-a')!.guestBars).toEqual(pair);
  });

  it('yields nothing for a retried set (in any order), and names only the functions whose set changed', () => {
    spec
      .given(pairGiven)
      .when(
        set([
          { bdf: nic.bdf, index: 0, address: 0x80010000n },
          { bdf: nic.bdf, index: 2, address: null },
          { bdf: nvme.bdf, index: 0, address: 0x80004000n },
        ]),
        facts,
      )
      .then([]);
    spec
      .given(pairGiven)
      .when(
        set([
          { bdf: nvme.bdf, index: 0, address: 0x80004000n },
          { bdf: nic.bdf, index: 0, address: 0x80020000n },
        ]),
        facts,
      )
      .then([programmed([nic.bdf], [{ bdf: nic.bdf, index: 0, address: 0x80020000n }])]);
    spec.given(vmA).when(set([]), facts).then([]);
  });

  it('unmaps a BAR given null, and leaves the BARs of functions it does not name alone', () => {
    const state = spec
      .given(pairGiven)
      .when(set([{ bdf: nic.bdf, index: 0, address: null }]), facts)
      .then([programmed([nic.bdf], [])]);
    expect(state.vms.get('vm-a')!.guestBars).toEqual([{ bdf: nvme.bdf, index: 0, address: 0x80004000n }]);
    spec
      .given(vmA)
      .when(set([{ bdf: nic.bdf, index: 0, address: null }]), facts)
      .then([]);
  });

  it('is authoritative for the functions it names: a BAR of one left out is unmapped', () => {
    const given = [
      ...vmA,
      {
        type: 'GuestBarProgrammed',
        data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address: 0x80010000n },
      } as GuestEvent,
    ];
    const state = spec
      .given(given)
      .when(set([{ bdf: nic.bdf, index: 2, address: null }]), facts)
      .then([programmed([nic.bdf], [])]);
    expect(state.vms.get('vm-a')!.guestBars).toEqual([]);
  });

  it('refuses the whole set when any entry is bad, listing every bad entry at its path (VALIDATION, nothing yielded)', () => {
    const error = spec
      .given(both)
      .when(
        set([
          { bdf: nic.bdf, index: 0, address: 0x80010000n },
          { bdf: nvme.bdf, index: 0, address: 0x80012000n },
          { bdf: '0000:01:00.7', index: 0, address: 0x80000000n },
          { bdf: gpu.bdf, index: 0, address: 0x80000000n },
          { bdf: nic.bdf, index: 2, address: 0x1000n },
          { bdf: nic.bdf, index: 4, address: null },
          { bdf: nic.bdf, index: 0, address: 0x80010000n },
          { bdf: nic.bdf, index: 6, address: null },
        ]),
        facts,
      )
      .thenThrows(
        'VALIDATION',
        /ProgramGuestBars for VM "vm-a" refused, nothing stored: bars\[1\]\.address: .*; and 3 more$/,
      );
    expect(error.problems).toEqual([
      { path: 'bars[1].address', message: "guest address 0x80012000 is not aligned to the BAR's size 0x4000" },
      { path: 'bars[2].bdf', message: 'no function 0000:01:00.7 on this host' },
      { path: 'bars[3].bdf', message: 'function 0000:02:00.0 is not given to VM "vm-a": assign its PE first' },
      { path: 'bars[4].index', message: 'BAR 2 of 0000:01:00.1 is io, which is never mapped into the guest' },
      { path: 'bars[5].index', message: 'function 0000:01:00.1 has no BAR 4' },
      { path: 'bars[6]', message: 'BAR 0 of 0000:01:00.1 is listed twice (first at bars[0])' },
    ]);
  });

  it('refuses an address for a size-0 BAR and one past 2^64; an unknown VM is NOT_FOUND', () => {
    const absent = fn('0000:03:00.0', [bar(0, 'mem64', 0n, 0n), bar(2, 'mem32', 0xfe400000n, 0x1000n)]);
    const more: HostFacts = { ...facts, pes: [...facts.pes, pe('iommu-3', [absent])] };
    const error = spec
      .given([created('vm-a'), assigned('vm-a', 'iommu-3', [absent.bdf])])
      .when(
        set([
          { bdf: absent.bdf, index: 0, address: 0x80000000n },
          { bdf: absent.bdf, index: 2, address: 0xfffffffffffff800n },
        ]),
        more,
      )
      .thenThrows('VALIDATION');
    expect(error.problems).toEqual([
      {
        path: 'bars[0].address',
        message: 'BAR 0 of 0000:03:00.0 has size 0 (absent on the host): the guest cannot map it, send null',
      },
      { path: 'bars[1].address', message: "guest address 0xfffffffffffff800 is not aligned to the BAR's size 0x1000" },
      { path: 'bars[1].address', message: 'guest address + BAR size is above 2^64' },
    ]);
    spec
      .given(vmA)
      .when(set([], 'vm-x'), facts)
      .thenThrows('NOT_FOUND', /"vm-x"/);
  });

  it("keeps 0xfffffffffffff000 exact, and PeReleased takes the set's BARs with the PE", () => {
    const state = spec
      .given(vmA)
      .when(set([{ bdf: nic.bdf, index: 0, address: 0xfffffffffffff000n }]), facts)
      .then([programmed([nic.bdf], [{ bdf: nic.bdf, index: 0, address: 0xfffffffffffff000n }])]);
    expect(state.vms.get('vm-a')!.guestBars[0].address.toString(16)).toBe('fffffffffffff000');
    const released = guestDecider.evolve(state, { type: 'PeReleased', data: { vmId: 'vm-a', peId: 'iommu-1' } });
    expect(released.vms.get('vm-a')!.guestBars).toEqual([]);
  });
});

describe('guest-memory: ReleasePe', () => {
  const release = (vmId: string, peId: string): GuestCommand => ({ type: 'ReleasePe', data: { vmId, peId } });

  it('releases the PE, its functions and their guest BARs', () => {
    const given: GuestEvent[] = [
      ...vmA,
      { type: 'GuestBarProgrammed', data: { vmId: 'vm-a', bdf: nic.bdf, index: 0, address: 0x80010000n } },
    ];
    const state = spec
      .given(given)
      .when(release('vm-a', 'iommu-1'), facts)
      .then([{ type: 'PeReleased', data: { vmId: 'vm-a', peId: 'iommu-1' } }]);
    expect(state.vms.get('vm-a')).toEqual(vmOf('vm-a'));
    expect(state.holders.size).toBe(0);
  });

  it('yields nothing for a known PE not on the VM; refuses an unknown VM or PE (NOT_FOUND)', () => {
    spec.given(vmA).when(release('vm-a', 'iommu-2'), facts).then([]);
    spec
      .given(vmA)
      .when(release('vm-x', 'iommu-1'), facts)
      .thenThrows('NOT_FOUND', /"vm-x"/);
    spec
      .given(vmA)
      .when(release('vm-a', 'iommu-9'), facts)
      .thenThrows('NOT_FOUND', /"iommu-9"/);
  });
});
