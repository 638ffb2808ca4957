import { deciderSpecification } from '../decider/testing/decider-specification';
import { HostFacts } from '../host-registry/host-facts';
import { RW, RWM, region } from '../testing/region-builder';
import { bar, fn, host, pe } from '../testing/scenario-builder';
import { deriveRegions } from './derive-regions';
import { vfioDecider } from './vfio.decider';
import { VfioEvent } from './vfio.events';
import { VfioRegion } from './vfio-region';

const spec = deciderSpecification(vfioDecider);
const nic = fn('0004:01:00.0', [bar(0, 'mem64', 0x3fe080000000n, 0x10000n)]);
const facts: HostFacts = { host: host('powernv', 0x10000n), pes: [pe('0004:01', [nic])] };
type FunctionBound = Extract<VfioEvent, { type: 'FunctionBound' }>;
const boundWith = (bdf: string, regions: readonly VfioRegion[]): FunctionBound => ({
  type: 'FunctionBound',
  data: { bdf, regions },
});
const bound = boundWith(nic.bdf, deriveRegions(facts.host, nic));
/** BindFunction of `bdf` on a fresh stream, with `hostFacts`. */
const binding = (bdf: string, hostFacts: HostFacts | undefined) =>
  spec.given([]).when({ type: 'BindFunction', data: { bdf } }, hostFacts);

describe('vfio-regions: BindFunction', () => {
  it('binds a known function with the regions derived from the host facts', () => {
    const state = binding(nic.bdf, facts).then([boundWith(nic.bdf, [region(0, 0x10000n, RWM)])]);
    expect(state.bound.get(nic.bdf)).toEqual(bound.data.regions);
  });

  it('yields nothing for a function already bound', () => {
    spec
      .given([bound])
      .when({ type: 'BindFunction', data: { bdf: nic.bdf } }, facts)
      .then([]);
  });

  it('refuses an unknown BDF, or any BDF before host facts arrived (NOT_FOUND)', () => {
    binding('0004:01:00.5', facts).thenThrows('NOT_FOUND', /0004:01:00.5/);
    binding(nic.bdf, undefined).thenThrows('NOT_FOUND', /no host facts/);
  });

  it('refuses to bind on a host whose kernel cannot bind vfio-pci (ILLEGAL_STATE), naming the kernel and the fix', () => {
    // The conformance lab's Debian 6.1.176 ppc64el kernel: every vfio-pci probe failed with -22.
    const power61: HostFacts = { ...facts, host: { ...facts.host, kernel: { ...facts.host.kernel, vfioPci: false } } };
    const error = binding(nic.bdf, power61).thenThrows('ILLEGAL_STATE', /cannot bind vfio-pci/);
    expect(error.message).toMatch(/0004:01:00\.0/);
    expect(error.message).toMatch(/powernv-host.*powernv/);
    expect(error.message).toMatch(/5\.19-6\.3/);
    expect(error.message).toMatch(/6\.4 or later.*a940904443e4/);
  });

  it('still names an unknown BDF first, and binds once the host facts say the kernel binds (another kernel booted)', () => {
    const power61: HostFacts = { ...facts, host: { ...facts.host, kernel: { ...facts.host.kernel, vfioPci: false } } };
    binding('0004:01:00.5', power61).thenThrows('NOT_FOUND', /0004:01:00.5/);
    binding(nic.bdf, facts).then([bound]);
  });

  it('keeps a 0xffffffffffff0000-class BAR and its reservation exact through decide and evolve', () => {
    const top = fn('0005:01:00.0', [bar(0, 'mem64', 0xfffffffffffff000n, 0x1000n)]);
    const edge = fn('0005:01:00.1', [bar(0, 'mem64', 0xffffffffffff0000n, 0x1000n)]);
    const farFacts: HostFacts = { host: facts.host, pes: [pe('0005:01', [top]), pe('0005:02', [edge])] };
    const state = binding(top.bdf, { ...farFacts, pes: [pe('0005:01', [top])] }).then([
      boundWith(top.bdf, [region(0, 0x1000n, RW)]),
    ]);
    expect(state.bound.get(top.bdf)![0].size).toBe(0x1000n);
    const after = binding(edge.bdf, farFacts).then([boundWith(edge.bdf, [region(0, 0x1000n, RW)])]);
    expect(after.bound.get(edge.bdf)![0].flags).toEqual(['READ', 'WRITE']);
    const alone = binding(edge.bdf, { ...farFacts, pes: [pe('0005:02', [edge])] }).then([
      boundWith(edge.bdf, [
        region(0, 0x1000n, RWM, { subPageReservation: { start: 0xffffffffffff1000n, size: 0xf000n } }),
      ]),
    ]);
    expect(alone.bound.get(edge.bdf)![0].subPageReservation!.start.toString(16)).toBe('ffffffffffff1000');
  });
});

describe('vfio-regions: UnbindFunction', () => {
  it('unbinds a bound function', () => {
    const state = spec
      .given([bound])
      .when({ type: 'UnbindFunction', data: { bdf: nic.bdf } }, facts)
      .then([{ type: 'FunctionUnbound', data: { bdf: nic.bdf } }]);
    expect(state.bound.has(nic.bdf)).toBe(false);
  });

  it('yields nothing for a function not bound, known or not', () => {
    spec
      .given([])
      .when({ type: 'UnbindFunction', data: { bdf: nic.bdf } }, facts)
      .then([]);
    spec
      .given([bound, { type: 'FunctionUnbound', data: { bdf: nic.bdf } }])
      .when({ type: 'UnbindFunction', data: { bdf: '0009:00:00.0' } }, undefined)
      .then([]);
  });
});
