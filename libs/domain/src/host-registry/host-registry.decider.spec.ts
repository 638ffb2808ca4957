import { deciderSpecification } from '../decider/testing/decider-specification';
import { DomainError } from '../decider/domain-error';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { hostScenario } from './host-facts';
import { HostRegistryCommand } from './host-registry.commands';
import { hostRegistryDecider } from './host-registry.decider';
import { HostRegistryEvent } from './host-registry.events';

const spec = deciderSpecification(hostRegistryDecider);
const h = host('powernv', 0x10000n, { id: 'p9' });
const nic = fn('0004:01:00.0', [bar(0, 'mem64', 0x3fe080000000n, 0x10000n)], {
  msix: { tableBar: 0, tableOffset: 0x8000n, vectors: 8 },
});
const usb = fn('0004:01:00.1', [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)]);
const pes = [pe('0004:01', [nic, usb])];
const registered: HostRegistryEvent = { type: 'HostRegistered', data: { host: h } };
const imported: HostRegistryEvent = { type: 'TopologyImported', data: { pes, added: [nic.bdf, usb.bdf], removed: [], changed: [] } };
const relocate = (address: bigint, bdf = usb.bdf, index = 0): HostRegistryCommand => ({ type: 'RelocateBar', data: { bdf, index, address } });

describe('pe-registry: RegisterHost', () => {
  it('registers a host the first time and reports changed facts afterwards', () => {
    spec.given([]).when({ type: 'RegisterHost', data: { host: h } }).then([registered]);
    const changed = { ...h, kvmMemslots: 512 };
    spec.given([registered]).when({ type: 'RegisterHost', data: { host: changed } }).then([{ type: 'HostFactsChanged', data: { host: changed } }]);
  });

  it('yields nothing for the same facts', () => {
    spec.given([registered]).when({ type: 'RegisterHost', data: { host: { ...h, kernel: { ...h.kernel } } } }).then([]);
  });

  it('refuses another host id in the stream (CONFLICT)', () => {
    spec.given([registered]).when({ type: 'RegisterHost', data: { host: { ...h, id: 'other' } } }).thenThrows('CONFLICT', /"p9"/);
  });

  it('refuses facts that break the scenario rules, with scenarioProblems paths', () => {
    const bad = { ...h, reservedRanges: [{ start: 0xfffffffffffff000n, end: 0x10000000000001000n }] };
    const error = spec.given([registered, imported]).when({ type: 'RegisterHost', data: { host: bad } }).thenThrows('VALIDATION');
    expect(error.problems).toEqual([{ path: 'host.reservedRanges[0]', message: 'start + size is above 2^64' }]);
    const odd = spec.given([]).when({ type: 'RegisterHost', data: { host: { ...h, pageSize: 0x2000n } } }).thenThrows('VALIDATION');
    expect(odd.problems.map((p) => p.path)).toEqual(['host.pageSize']);
  });
});

describe('pe-registry: commands need a registered host', () => {
  it.each<HostRegistryCommand>([
    { type: 'ImportTopology', data: { pes } },
    { type: 'SetAlignmentOverride', data: { peId: '0004:01', alignment: 'page' } },
    relocate(0x3fe080020000n),
    { type: 'RemoveFunction', data: { bdf: usb.bdf } },
  ])('$type -> NOT_FOUND', (command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /no host/);
  });
});

describe('pe-registry: ImportTopology', () => {
  it('imports a first topology: every BDF added', () => {
    spec.given([registered]).when({ type: 'ImportTopology', data: { pes } }).then([imported]);
  });

  it('lists added, removed and changed BDFs against the previous topology', () => {
    const moved = fn(usb.bdf, [bar(0, 'mem32', 0x3fe080020000n, 0x1000n)]);
    const vf = { ...fn('0004:02:00.0', [bar(0, 'mem64', 0x3fe090000000n, 0x10000n)]), vendorDevice: '15b3:1018' };
    const before = [...pes, pe('0004:02', [vf]), pe('0004:03', [fn('0004:03:00.0', [])])];
    const after = [
      pe('0004:01', [{ ...nic, msix: { ...nic.msix!, vectors: 16 } }, moved]),
      pe('0004:02', [{ ...vf, isVf: true }]),
      pe('0004:04', [fn('0004:04:00.0', []), fn('0004:04:00.1', [])]),
    ];
    const given: HostRegistryEvent[] = [registered, { type: 'TopologyImported', data: { pes: before, added: [], removed: [], changed: [] } }];
    spec.given(given).when({ type: 'ImportTopology', data: { pes: after } }).then([
      {
        type: 'TopologyImported',
        data: { pes: after, added: ['0004:04:00.0', '0004:04:00.1'], removed: ['0004:03:00.0'], changed: ['0004:01:00.0', '0004:01:00.1', '0004:02:00.0'] },
      },
    ]);
    const resized = [pe('0004:01', [nic, fn(usb.bdf, [bar(0, 'mem32', 0x3fe080010000n, 0x2000n)])])];
    spec.given([registered, imported]).when({ type: 'ImportTopology', data: { pes: resized } }).then([
      { type: 'TopologyImported', data: { pes: resized, added: [], removed: [], changed: [usb.bdf] } },
    ]);
  });

  it('yields nothing for the same topology', () => {
    spec.given([registered, imported]).when({ type: 'ImportTopology', data: { pes: structuredClone(pes) } }).then([]);
  });

  it('refuses a topology that fails scenarioProblems, naming each problem by path', () => {
    const clash = [pe('0004:01', [nic, fn(usb.bdf, [bar(0, 'mem32', 0x3fe080008000n, 0x1000n)])])];
    const error = spec.given([registered]).when({ type: 'ImportTopology', data: { pes: clash } }).thenThrows('VALIDATION', /overlaps/);
    expect(error.problems).toEqual([
      { path: 'pes[0].functions[1].bars[0]', message: 'overlaps pes[0].functions[0].bars[0] in the memory address space' },
    ]);
    const loud = [pe('0004:01', [fn('0004:01:00.A', [])])];
    const shape = spec.given([registered]).when({ type: 'ImportTopology', data: { pes: loud } }).thenThrows('VALIDATION');
    expect(shape.problems.map((p) => p.path)).toEqual(['pes[0].functions[0].bdf']);
  });
});

describe('pe-registry: SetAlignmentOverride', () => {
  const set = (peId: string): HostRegistryCommand => ({ type: 'SetAlignmentOverride', data: { peId, alignment: 'page' } });
  it('sets the override once; the same override again yields nothing', () => {
    const state = spec.given([registered, imported]).when(set('0004:01')).then([{ type: 'AlignmentOverrideSet', data: { peId: '0004:01', alignment: 'page' } }]);
    expect(state.pes[0].alignment).toBe('page');
    spec.given([registered, imported, { type: 'AlignmentOverrideSet', data: { peId: '0004:01', alignment: 'page' } }]).when(set('0004:01')).then([]);
  });

  it('refuses an unknown PE (NOT_FOUND)', () => {
    spec.given([registered, imported]).when(set('0004:09')).thenThrows('NOT_FOUND', /"0004:09"/);
  });
});

describe('pe-registry: RelocateBar', () => {
  it('moves the BAR and records the previous address; the same address yields nothing', () => {
    spec.given([registered, imported]).when(relocate(0x3fe080020000n)).then([
      { type: 'BarRelocated', data: { bdf: usb.bdf, index: 0, address: 0x3fe080020000n, previous: 0x3fe080010000n } },
    ]);
    spec.given([registered, imported]).when(relocate(0x3fe080010000n)).then([]);
  });

  it('refuses an unknown BDF or BAR index (NOT_FOUND)', () => {
    spec.given([registered, imported]).when(relocate(0x3fe080020000n, '0004:01:00.7')).thenThrows('NOT_FOUND', /0004:01:00.7/);
    spec.given([registered, imported]).when(relocate(0x3fe080020000n, usb.bdf, 2)).thenThrows('NOT_FOUND', /BAR 2/);
  });

  it('refuses a misaligned or overlapping address with the path of that BAR', () => {
    const misaligned = spec.given([registered, imported]).when(relocate(0x3fe080010800n)).thenThrows('VALIDATION');
    expect(misaligned.problems).toEqual([
      { path: 'pes[0].functions[1].bars[0].address', message: 'address 0x3fe080010800 is not aligned to its size 0x1000' },
    ]);
    const onNic = spec.given([registered, imported]).when(relocate(0x3fe080004000n)).thenThrows('VALIDATION');
    expect(onNic.problems.map((p) => p.path)).toEqual(['pes[0].functions[1].bars[0]']);
  });

  it('keeps a 0xfffffffffffff000 address exact through decide and evolve, and refuses 2^64', () => {
    const address = 0xfffffffffffff000n;
    const state = spec.given([registered, imported]).when(relocate(address)).then([
      { type: 'BarRelocated', data: { bdf: usb.bdf, index: 0, address, previous: 0x3fe080010000n } },
    ]);
    expect(state.pes[0].functions[1].bars[0].address).toBe(0xfffffffffffff000n);
    expect(state.pes[0].functions[1].bars[0].address.toString(16)).toBe('fffffffffffff000');
    spec.given([registered, imported]).when(relocate(1n << 64n)).thenThrows('VALIDATION', /above 2\^64/);
  });
});

describe('pe-registry: RemoveFunction', () => {
  it('removes the function from its PE', () => {
    const state = spec.given([registered, imported]).when({ type: 'RemoveFunction', data: { bdf: usb.bdf } }).then([
      { type: 'FunctionRemoved', data: { bdf: usb.bdf, peId: '0004:01' } },
    ]);
    expect(state.pes[0].functions.map((f) => f.bdf)).toEqual([nic.bdf]);
  });

  it('refuses an unknown BDF (NOT_FOUND)', () => {
    spec.given([registered, imported]).when({ type: 'RemoveFunction', data: { bdf: '0004:05:00.0' } }).thenThrows('NOT_FOUND');
  });
});

describe('hostScenario', () => {
  it('is the registered host and its PEs, without a VM', () => {
    const state = [registered, imported].reduce(hostRegistryDecider.evolve, hostRegistryDecider.initialState());
    expect(hostScenario(state)).toEqual({ host: h, pes });
    expect(() => hostScenario(hostRegistryDecider.initialState())).toThrow(DomainError);
  });
});
