import { deciderSpecification } from '../decider/testing/decider-specification';
import { DomainError } from '../decider/domain-error';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { hostScenario } from './host-facts';
import { HostRegistryCommand, PeHoldCommand } from './host-registry.commands';
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
const imported: HostRegistryEvent = {
  type: 'TopologyImported',
  data: { pes, added: [nic.bdf, usb.bdf], removed: [], changed: [] },
};
const relocate = (address: bigint, bdf = usb.bdf, index = 0): HostRegistryCommand => ({
  type: 'RelocateBar',
  data: { bdf, index, address },
});

describe('pe-registry: RegisterHost', () => {
  it('registers a host the first time and reports changed facts afterwards', () => {
    spec
      .given([])
      .when({ type: 'RegisterHost', data: { host: h } })
      .then([registered]);
    const changed = { ...h, kvmMemslots: 512 };
    spec
      .given([registered])
      .when({ type: 'RegisterHost', data: { host: changed } })
      .then([{ type: 'HostFactsChanged', data: { host: changed } }]);
  });

  it('yields nothing for the same facts', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterHost', data: { host: { ...h, kernel: { ...h.kernel } } } })
      .then([]);
  });

  it('refuses another host id in the stream (CONFLICT)', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterHost', data: { host: { ...h, id: 'other' } } })
      .thenThrows('CONFLICT', /"p9"/);
  });

  it('refuses facts that break the scenario rules, with scenarioProblems paths', () => {
    const bad = { ...h, reservedRanges: [{ start: 0xfffffffffffff000n, end: 0x10000000000001000n }] };
    const error = spec
      .given([registered, imported])
      .when({ type: 'RegisterHost', data: { host: bad } })
      .thenThrows('VALIDATION');
    expect(error.problems).toEqual([{ path: 'host.reservedRanges[0]', message: 'start + size is above 2^64' }]);
    const odd = spec
      .given([])
      .when({ type: 'RegisterHost', data: { host: { ...h, pageSize: 0x2000n } } })
      .thenThrows('VALIDATION');
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
    spec
      .given([])
      .when(command)
      .thenThrows('NOT_FOUND', /no host/);
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
    const given: HostRegistryEvent[] = [
      registered,
      { type: 'TopologyImported', data: { pes: before, added: [], removed: [], changed: [] } },
    ];
    spec
      .given(given)
      .when({ type: 'ImportTopology', data: { pes: after } })
      .then([
        {
          type: 'TopologyImported',
          data: {
            pes: after,
            added: ['0004:04:00.0', '0004:04:00.1'],
            removed: ['0004:03:00.0'],
            changed: ['0004:01:00.0', '0004:01:00.1', '0004:02:00.0'],
          },
        },
      ]);
    const resized = [pe('0004:01', [nic, fn(usb.bdf, [bar(0, 'mem32', 0x3fe080010000n, 0x2000n)])])];
    spec
      .given([registered, imported])
      .when({ type: 'ImportTopology', data: { pes: resized } })
      .then([{ type: 'TopologyImported', data: { pes: resized, added: [], removed: [], changed: [usb.bdf] } }]);
  });

  it('yields nothing for the same topology', () => {
    spec
      .given([registered, imported])
      .when({ type: 'ImportTopology', data: { pes: structuredClone(pes) } })
      .then([]);
  });

  it('refuses a topology that fails scenarioProblems, naming each problem by path', () => {
    const clash = [pe('0004:01', [nic, fn(usb.bdf, [bar(0, 'mem32', 0x3fe080008000n, 0x1000n)])])];
    const error = spec
      .given([registered])
      .when({ type: 'ImportTopology', data: { pes: clash } })
      .thenThrows('VALIDATION', /overlaps/);
    expect(error.problems).toEqual([
      {
        path: 'pes[0].functions[1].bars[0]',
        message: 'overlaps pes[0].functions[0].bars[0] in the memory address space',
      },
    ]);
    const loud = [pe('0004:01', [fn('0004:01:00.A', [])])];
    const shape = spec
      .given([registered])
      .when({ type: 'ImportTopology', data: { pes: loud } })
      .thenThrows('VALIDATION');
    expect(shape.problems.map((p) => p.path)).toEqual(['pes[0].functions[0].bdf']);
  });
});

describe('pe-registry: SetAlignmentOverride', () => {
  const set = (peId: string): HostRegistryCommand => ({
    type: 'SetAlignmentOverride',
    data: { peId, alignment: 'page' },
  });
  it('sets the override once; the same override again yields nothing', () => {
    const state = spec
      .given([registered, imported])
      .when(set('0004:01'))
      .then([{ type: 'AlignmentOverrideSet', data: { peId: '0004:01', alignment: 'page' } }]);
    expect(state.pes[0].alignment).toBe('page');
    spec
      .given([registered, imported, { type: 'AlignmentOverrideSet', data: { peId: '0004:01', alignment: 'page' } }])
      .when(set('0004:01'))
      .then([]);
  });

  it('refuses an unknown PE (NOT_FOUND)', () => {
    spec
      .given([registered, imported])
      .when(set('0004:09'))
      .thenThrows('NOT_FOUND', /"0004:09"/);
  });
});

describe('pe-registry: RelocateBar', () => {
  it('moves the BAR and records the previous address; the same address yields nothing', () => {
    spec
      .given([registered, imported])
      .when(relocate(0x3fe080020000n))
      .then([
        { type: 'BarRelocated', data: { bdf: usb.bdf, index: 0, address: 0x3fe080020000n, previous: 0x3fe080010000n } },
      ]);
    spec.given([registered, imported]).when(relocate(0x3fe080010000n)).then([]);
  });

  it('refuses an unknown BDF or BAR index (NOT_FOUND)', () => {
    spec
      .given([registered, imported])
      .when(relocate(0x3fe080020000n, '0004:01:00.7'))
      .thenThrows('NOT_FOUND', /0004:01:00.7/);
    spec
      .given([registered, imported])
      .when(relocate(0x3fe080020000n, usb.bdf, 2))
      .thenThrows('NOT_FOUND', /BAR 2/);
  });

  it('refuses a misaligned or overlapping address with the path of that BAR', () => {
    const misaligned = spec.given([registered, imported]).when(relocate(0x3fe080010800n)).thenThrows('VALIDATION');
    expect(misaligned.problems).toEqual([
      {
        path: 'pes[0].functions[1].bars[0].address',
        message: 'address 0x3fe080010800 is not aligned to its size 0x1000',
      },
    ]);
    const onNic = spec.given([registered, imported]).when(relocate(0x3fe080004000n)).thenThrows('VALIDATION');
    expect(onNic.problems.map((p) => p.path)).toEqual(['pes[0].functions[1].bars[0]']);
  });

  it('keeps a 0xfffffffffffff000 address exact through decide and evolve, and refuses 2^64', () => {
    const address = 0xfffffffffffff000n;
    const state = spec
      .given([registered, imported])
      .when(relocate(address))
      .then([{ type: 'BarRelocated', data: { bdf: usb.bdf, index: 0, address, previous: 0x3fe080010000n } }]);
    expect(state.pes[0].functions[1].bars[0].address).toBe(0xfffffffffffff000n);
    expect(state.pes[0].functions[1].bars[0].address.toString(16)).toBe('fffffffffffff000');
    spec
      .given([registered, imported])
      .when(relocate(1n << 64n))
      .thenThrows('VALIDATION', /above 2\^64/);
  });
});

describe('pe-registry: RemoveFunction', () => {
  it('removes the function from its PE', () => {
    const state = spec
      .given([registered, imported])
      .when({ type: 'RemoveFunction', data: { bdf: usb.bdf } })
      .then([{ type: 'FunctionRemoved', data: { bdf: usb.bdf, peId: '0004:01' } }]);
    expect(state.pes[0].functions.map((f) => f.bdf)).toEqual([nic.bdf]);
  });

  it('refuses an unknown BDF (NOT_FOUND)', () => {
    spec
      .given([registered, imported])
      .when({ type: 'RemoveFunction', data: { bdf: '0004:05:00.0' } })
      .thenThrows('NOT_FOUND');
  });
});

describe('pe-registry: PEs held by VMs (learnt from guest.events)', () => {
  const gpu = fn('0004:02:00.0', [bar(0, 'mem64', 0x3fe090000000n, 0x100000n)]);
  const audio = fn('0004:02:00.1', [bar(0, 'mem32', 0x3fe090100000n, 0x4000n)]);
  const two = [pe('0004:01', [nic, usb]), pe('0004:02', [gpu, audio])];
  const importedTwo: HostRegistryEvent = {
    type: 'TopologyImported',
    data: { pes: two, added: [], removed: [], changed: [] },
  };
  const hold = (vmId: string, peId: string): PeHoldCommand => ({ type: 'RecordPeHold', data: { vmId, peId } });
  const release = (vmId: string, peId: string): PeHoldCommand => ({ type: 'RecordPeRelease', data: { vmId, peId } });
  const held = (vmId: string, peId: string): HostRegistryEvent => ({ type: 'PeHeld', data: { vmId, peId } });
  const freed = (vmId: string, peId: string): HostRegistryEvent => ({ type: 'PeFreed', data: { vmId, peId } });
  const heldNic: HostRegistryEvent[] = [registered, importedTwo, held('vm-a', '0004:01')];
  const importing = (after: typeof two): HostRegistryCommand => ({ type: 'ImportTopology', data: { pes: after } });
  /** What importing `after` over `heldNic` is refused with (CONFLICT). */
  const refusedOverHeldNic = (after: typeof two) => spec.given(heldNic).when(importing(after)).thenThrows('CONFLICT');
  /** The one problem of an import that `changes` PE 0004:01, given to vm-a. */
  const heldNicProblem = (changes: string) => [
    {
      path: 'pes[0]',
      message: `PE "0004:01" is given to VM "vm-a": ImportTopology ${changes}; release the PE from the VM first`,
    },
  ];

  it('records a hold once and its release once: a redelivered or repeated fact changes nothing', () => {
    const state = spec
      .given([registered, importedTwo])
      .when(hold('vm-a', '0004:01'))
      .then([held('vm-a', '0004:01')]);
    expect(state.holds).toEqual([{ peId: '0004:01', vmId: 'vm-a' }]);
    spec.given(heldNic).when(hold('vm-a', '0004:01')).then([]);
    expect(
      spec
        .given(heldNic)
        .when(release('vm-a', '0004:01'))
        .then([freed('vm-a', '0004:01')]).holds,
    ).toEqual([]);
    spec
      .given([...heldNic, freed('vm-a', '0004:01')])
      .when(release('vm-a', '0004:01'))
      .then([]);
    // Another VM's release does not end vm-a's hold.
    spec.given(heldNic).when(release('vm-b', '0004:01')).then([]);
  });

  it('records holds whether or not the host is registered here yet, in PE then VM order', () => {
    const state = spec
      .given([held('vm-b', '0004:02'), held('vm-a', '0004:02')])
      .when(hold('vm-a', '0004:01'))
      .then([held('vm-a', '0004:01')]);
    expect(state.holds).toEqual([
      { peId: '0004:01', vmId: 'vm-a' },
      { peId: '0004:02', vmId: 'vm-a' },
      { peId: '0004:02', vmId: 'vm-b' },
    ]);
  });

  it('refuses an import that drops a held PE (CONFLICT), naming the VM and the PE', () => {
    const error = spec
      .given(heldNic)
      .when(importing([two[1]]))
      .thenThrows('CONFLICT', /PE "0004:01" is given to VM "vm-a"/);
    expect(error.problems).toEqual([
      {
        path: 'pes',
        message:
          'PE "0004:01" is given to VM "vm-a": ImportTopology drops the PE, removes 0004:01:00.0, 0004:01:00.1; release the PE from the VM first',
      },
    ]);
    // An empty topology drops it too.
    spec.given(heldNic).when(importing([])).thenThrows('CONFLICT', /vm-a/);
  });

  it('refuses an import that removes a function of a held PE', () => {
    const error = refusedOverHeldNic([pe('0004:01', [nic]), two[1]]);
    expect(error.problems).toEqual(heldNicProblem('removes 0004:01:00.1'));
  });

  it('refuses a re-partition: a function of a held PE moved into another PE, or a function added to a held PE', () => {
    const moved = refusedOverHeldNic([pe('0004:01', [nic]), pe('0004:02', [gpu, audio, usb])]);
    expect(moved.problems).toEqual(heldNicProblem('moves 0004:01:00.1 to PE "0004:02"'));
    const joined = refusedOverHeldNic([pe('0004:01', [nic, usb, audio]), pe('0004:02', [gpu])]);
    expect(joined.problems).toEqual(heldNicProblem('adds 0004:02:00.1'));
    // The same functions under another PE id: the held PE is dropped.
    const renamed = refusedOverHeldNic([pe('0004:09', [nic, usb]), two[1]]);
    expect(renamed.problems.map((p) => p.message)).toEqual([
      'PE "0004:01" is given to VM "vm-a": ImportTopology drops the PE, moves 0004:01:00.0 to PE "0004:09", moves 0004:01:00.1 to PE "0004:09"; release the PE from the VM first',
    ]);
  });

  it('lists every held PE the import would change, one problem each, in PE then VM order', () => {
    const given = [...heldNic, held('vm-b', '0004:02')];
    const error = spec
      .given(given)
      .when(importing([pe('0004:02', [gpu])]))
      .thenThrows('CONFLICT', /^ImportTopology would change 2 PEs given to VMs: /);
    expect(error.problems.map((p) => [p.path, p.message.slice(0, p.message.indexOf(':', 10))])).toEqual([
      ['pes', 'PE "0004:01" is given to VM "vm-a"'],
      ['pes[0]', 'PE "0004:02" is given to VM "vm-b"'],
    ]);
    expect(error.message).toContain('vm-a');
    expect(error.message).toContain('vm-b');
  });

  it('accepts an import that keeps every held PE exactly: BAR moves and resizes, MSI-X and alignment are facts', () => {
    const nicMoved = fn(nic.bdf, [bar(0, 'mem64', 0x3fe0a0000000n, 0x20000n)], {
      msix: { tableBar: 0, tableOffset: 0x8000n, vectors: 16 },
    });
    const after = [pe('0004:01', [usb, nicMoved], 'page')];
    // 0004:02 is held by nobody: it may go.
    spec
      .given(heldNic)
      .when(importing(after))
      .then([
        {
          type: 'TopologyImported',
          data: { pes: after, added: [], removed: [audio.bdf, gpu.bdf].sort(), changed: [nic.bdf] },
        },
      ]);
    spec
      .given(heldNic)
      .when(relocate(0x3fe080020000n))
      .then([
        { type: 'BarRelocated', data: { bdf: usb.bdf, index: 0, address: 0x3fe080020000n, previous: 0x3fe080010000n } },
      ]);
  });

  it('accepts the import once the PE is released', () => {
    const after = [two[1]];
    spec
      .given([...heldNic, freed('vm-a', '0004:01')])
      .when(importing(after))
      .then([{ type: 'TopologyImported', data: { pes: after, added: [], removed: [nic.bdf, usb.bdf], changed: [] } }]);
  });

  it('leaves a hold of a PE the topology does not have (the owners decided apart) to the next import', () => {
    const given = [registered, importedTwo, held('vm-a', '0004:07')];
    spec
      .given(given)
      .when(importing([two[0]]))
      .then([
        { type: 'TopologyImported', data: { pes: [two[0]], added: [], removed: [gpu.bdf, audio.bdf], changed: [] } },
      ]);
    const back = [...two, pe('0004:07', [fn('0004:07:00.0', [])])];
    spec
      .given(given)
      .when(importing(back))
      .then([{ type: 'TopologyImported', data: { pes: back, added: ['0004:07:00.0'], removed: [], changed: [] } }]);
  });

  it('checks the topology rules first: an invalid import is VALIDATION even when it also drops a held PE', () => {
    const clash = [pe('0004:02', [gpu, fn(audio.bdf, [bar(0, 'mem32', 0x3fe090000000n, 0x4000n)])])];
    spec
      .given(heldNic)
      .when(importing(clash))
      .thenThrows('VALIDATION', /overlaps/);
  });

  it('refuses RemoveFunction of a function of a held PE (CONFLICT, path bdf), and allows it elsewhere', () => {
    const error = spec
      .given(heldNic)
      .when({ type: 'RemoveFunction', data: { bdf: usb.bdf } })
      .thenThrows('CONFLICT', /VM "vm-a"/);
    expect(error.problems).toEqual([
      {
        path: 'bdf',
        message:
          'PE "0004:01" is given to VM "vm-a": RemoveFunction removes 0004:01:00.1; release the PE from the VM first',
      },
    ]);
    spec
      .given(heldNic)
      .when({ type: 'RemoveFunction', data: { bdf: audio.bdf } })
      .then([{ type: 'FunctionRemoved', data: { bdf: audio.bdf, peId: '0004:02' } }]);
  });
});

describe('hostScenario', () => {
  it('is the registered host and its PEs, without a VM', () => {
    const state = [registered, imported].reduce(hostRegistryDecider.evolve, hostRegistryDecider.initialState());
    expect(hostScenario(state)).toEqual({ host: h, pes });
    expect(() => hostScenario(hostRegistryDecider.initialState())).toThrow(DomainError);
  });
});
