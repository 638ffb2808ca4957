import { BarplaneError } from '@barplane/contracts';
import { P9_HOST_JSON, pseriesXml, withoutSibling } from '../../../../test/fixtures/libvirt/pseries-hostdevs';
import { PLAN_REQUEST, PlansController } from './plans.controller';

// POST /v1/plans with a libvirt domain XML (what-if before the domain is defined), without a
// database or a broker; test/api/plans.e2e-spec.ts sends the same over HTTP.
const host = {
  ...P9_HOST_JSON,
  pes: [
    ...P9_HOST_JSON.pes,
    {
      id: '0005:91',
      functions: [
        { bdf: '0005:91:00.0', bars: [{ index: 0, kind: 'mem32', address: '0x600510001000', size: '0x1000' }] },
      ],
    },
  ],
};
const pseries = pseriesXml();
// Through the route's body pipe, as Nest calls it.
const plan = (body: unknown) => new PlansController().plan(PLAN_REQUEST.transform(JSON.parse(JSON.stringify(body))));
const refusal = (body: unknown): BarplaneError => {
  try {
    plan(body);
  } catch (error) {
    return error as BarplaneError;
  }
  throw new Error('the plan was answered');
};

describe('POST /v1/plans with libvirtXml (controller)', () => {
  it("plans the VM the domain XML would be: its hostdevs' PEs assigned whole, the guest side PENDING", () => {
    const answer = plan({ ...host, libvirtXml: pseries });
    expect(answer.vm).toEqual({ id: 'guest', slotsUsedBefore: 0, slotsNeeded: 0, slotLimit: 32767 });
    const bars = answer.bars as { pe: string; mode: string; reasons: string[] }[];
    expect(bars.map((b) => [b.pe, b.mode, b.reasons])).toEqual([
      ['0001:01', 'PENDING', ['GUEST_BAR_UNMAPPED']],
      ['0001:01', 'PENDING', ['GUEST_BAR_UNMAPPED']],
      ['0005:90', 'PENDING', ['GUEST_BAR_UNMAPPED']],
      // Not the domain's: the host rule decides it, and it stays unassigned.
      ['0005:91', 'EMULATED', ['HOST_SUBPAGE_UNALIGNED']],
    ]);
  });

  it('answers 400 naming the missing sibling when the hostdevs cover part of a PE', () => {
    const partial = withoutSibling(pseries);
    const error = refusal({ ...host, libvirtXml: partial });
    expect(error.code).toBe('VALIDATION');
    expect(error.problems).toEqual([
      {
        path: 'libvirtXml/domain/devices/hostdev[1]/source/address',
        message:
          'PE "0001:01" goes to a VM whole: its function 0001:01:00.1 is not in this domain (give every function of the PE, or none)',
      },
    ]);
  });

  it("lists the scenario's problems and the XML's together, and refuses a vm beside the XML or XML that is not a string", () => {
    const error = refusal({ host: { ...host.host, colour: 1 }, pes: host.pes, libvirtXml: 42 });
    expect(error.problems).toEqual([
      { path: 'host.colour', message: 'is not a known field' },
      { path: 'libvirtXml', message: 'must be a string: the libvirt domain XML' },
    ]);
    expect(refusal({ ...host, vm: { id: 'v' }, libvirtXml: pseries }).problems).toEqual([
      { path: 'vm', message: 'give either a vm or libvirtXml, not both' },
    ]);
    expect(refusal({ ...host, libvirtXml: '<!DOCTYPE d [<!ENTITY a "a">]><domain/>' }).problems).toEqual([
      { path: 'libvirtXml', message: expect.stringContaining('DOCTYPE or entity declaration') },
    ]);
  });
});
