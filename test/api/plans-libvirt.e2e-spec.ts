import { pseriesXml, withoutSibling } from '../fixtures/libvirt/pseries-hostdevs';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { useApi } from './api-harness';

// POST /v1/plans with a libvirt domain XML through the real API: what-if before the domain is defined.
const xml = pseriesXml();
const host = {
  host: { id: 'p9', platform: 'powernv', pageSize: '0x10000' },
  pes: [
    wirePe(
      '0001:01',
      { bdf: '0001:01:00.0', bars: [wireBar(0, 'mem64', '0x600000000000', '0x4000')] },
      { bdf: '0001:01:00.1', bars: [] },
    ),
    wirePe('0005:90', { bdf: '0005:90:01.0', isVf: true, bars: [wireBar(0, 'mem64', '0x600500000000', '0x10000')] }),
  ],
};
jest.setTimeout(30_000);

describe('API: POST /v1/plans with libvirtXml', () => {
  const api = useApi();

  it("plans the domain's VM on the host, nothing stored", async () => {
    const res = await api.call('POST', '/v1/plans', { body: { ...host, libvirtXml: xml } });
    expect(res.status).toBe(200);
    expect(res.body.vm).toEqual({ id: 'guest', slotsUsedBefore: 0, slotsNeeded: 0, slotLimit: 32767 });
    expect(res.body.bars.map((b: { bdf: string; mode: string }) => [b.bdf, b.mode])).toEqual([
      ['0001:01:00.0', 'PENDING'],
      ['0005:90:01.0', 'PENDING'],
    ]);
  });

  it('answers 400 naming the missing sibling for part of a PE, and the XPath of an unmodelled machine', async () => {
    const res = await api.call('POST', '/v1/plans', { body: { ...host, libvirtXml: withoutSibling(xml) } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'VALIDATION',
      problems: [
        {
          path: 'libvirtXml/domain/devices/hostdev[1]/source/address',
          message: expect.stringContaining('its function 0001:01:00.1 is not in this domain'),
        },
      ],
    });
    const pc = await api.call('POST', '/v1/plans', {
      body: { ...host, libvirtXml: xml.replace("machine='pseries'", "machine='pc-i440fx-8.2'") },
    });
    expect(pc.body.problems).toEqual([
      { path: 'libvirtXml/domain/os/type/@machine', message: expect.stringContaining('"pc-i440fx-8.2"') },
    ]);
  });

  it('documents libvirtXml in the request body schema', async () => {
    const docs = await api.call('GET', '/docs/json', { role: null });
    const body = docs.body.paths['/v1/plans'].post.requestBody.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/PlanRequestDto' });
    expect(docs.body.components.schemas.PlanRequestDto.properties).toMatchObject({
      libvirtXml: { type: 'string', maxLength: 1 << 20 },
      pes: { type: 'array' },
    });
  });
});
