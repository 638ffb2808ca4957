import { Vm, applyFact, defaultKernel, initialHostProjection } from '@barplane/domain';
import { DomainEvent, decodeEvent, encodeEventData } from './event-codec';
import { projectionFromJson, projectionToJson } from './projection-json';

// Every event survives the wire (JSON text) exactly, 64-bit values included.
const host = {
  id: 'h',
  platform: 'powernv' as const,
  pageSize: 0x10000n,
  kernel: defaultKernel('powernv'),
  kvmMemslots: 32767,
  reservedRanges: [{ start: 0xfffffffffff00000n, end: 0xfffffffffff10000n }],
  phbs: [],
};
const pe = {
  id: 'p',
  alignment: 'page' as const,
  functions: [
    {
      bdf: '0000:01:00.0',
      isVf: false,
      bars: [
        {
          index: 0,
          kind: 'mem64' as const,
          address: 0xfffffffffffff000n,
          size: 0x1000n,
          prefetchable: true,
          fixed: false,
        },
      ],
      msix: { tableBar: 0, tableOffset: 0x800n, vectors: 4, pbaBar: 0, pbaOffset: 0xc00n },
    },
  ],
};
const vm: Vm = {
  id: 'vm',
  machine: 'pseries',
  msixEmulation: false,
  noMmap: false,
  msixRelocation: 'off',
  memslotsUsed: 3,
  assignedPes: ['p'],
  guestBars: [{ bdf: '0000:01:00.0', index: 0, address: 0xfffffffffffff000n }],
};

const events: DomainEvent[] = [
  { type: 'HostRegistered', data: { host } },
  { type: 'HostFactsChanged', data: { host } },
  { type: 'TopologyImported', data: { pes: [pe], added: ['0000:01:00.0'], removed: [], changed: [] } },
  { type: 'AlignmentOverrideSet', data: { peId: 'p', alignment: 'none' } },
  { type: 'BarRelocated', data: { bdf: '0000:01:00.0', index: 0, address: 0xfffffffffffff000n, previous: 0x1000n } },
  { type: 'FunctionRemoved', data: { bdf: '0000:01:00.0', peId: 'p' } },
  {
    type: 'FunctionBound',
    data: {
      bdf: '0000:01:00.0',
      regions: [
        {
          index: 0,
          offset: 0n,
          size: 0x1000n,
          flags: ['READ', 'WRITE', 'MMAP'],
          caps: ['SPARSE_MMAP'],
          sparseAreas: [{ offset: 0n, size: 0n }],
          subPageReservation: { start: 0xfffffffffffff000n, size: 0x1000n },
        },
      ],
    },
  },
  { type: 'FunctionUnbound', data: { bdf: '0000:01:00.0' } },
  { type: 'VmCreated', data: { vm } },
  { type: 'PeAssigned', data: { vmId: 'vm', peId: 'p', functions: ['0000:01:00.0'] } },
  { type: 'GuestBarProgrammed', data: { vmId: 'vm', bdf: '0000:01:00.0', index: 0, address: 0xfffffffffffff000n } },
  {
    type: 'GuestBarsProgrammed',
    data: {
      vmId: 'vm',
      functions: ['0000:01:00.0', '0000:01:00.1'],
      bars: [
        { bdf: '0000:01:00.0', index: 0, address: 0xfffffffffffff000n },
        { bdf: '0000:01:00.0', index: 2, address: 0n },
      ],
    },
  },
  { type: 'PeReleased', data: { vmId: 'vm', peId: 'p' } },
  { type: 'PeHeld', data: { vmId: 'vm', peId: 'p' } },
  { type: 'PeFreed', data: { vmId: 'vm', peId: 'p' } },
];

describe('event codec', () => {
  it.each(events.map((e) => [e.type, e] as const))('%s round-trips through JSON text exactly', (_type, event) => {
    const wire = JSON.parse(JSON.stringify(encodeEventData(event)));
    expect(decodeEvent(event.type, wire)).toEqual(event);
  });

  it('writes 64-bit values as hex strings', () => {
    expect(JSON.stringify(encodeEventData(events[4]))).toBe(
      '{"bdf":"0000:01:00.0","index":0,"address":"0xfffffffffffff000","previous":"0x1000"}',
    );
  });
});

describe('projection JSON', () => {
  it('keeps the holds pe-registry learnt, and reads a projection stored before it kept them', () => {
    const folded = events
      .slice(0, 3)
      .concat([{ type: 'PeHeld', data: { vmId: 'vm', peId: 'p' } }])
      .reduce(applyFact, initialHostProjection('h'));
    expect(folded.registry.holds).toEqual([{ peId: 'p', vmId: 'vm' }]);
    const stored = JSON.parse(JSON.stringify(projectionToJson(folded)));
    expect(projectionFromJson(stored)).toEqual(folded);
    delete stored.registry.holds;
    expect(projectionFromJson(stored).registry.holds).toEqual([]);
  });
});
