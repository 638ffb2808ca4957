import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planAnswer, planToJson } from '@barplane/domain';
import { readScenario } from '@barplane/contracts';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { useApi } from './api-harness';

// POST /v1/plans, authentication and the operational endpoints of the real API.
const examples = join(__dirname, '..', 'fixtures', 'examples');
jest.setTimeout(30_000);

describe('API: plans, auth, health, metrics, docs', () => {
  const api = useApi();

  it('answers POST /v1/plans with exactly what barplane plan decides, VFIO regions included', async () => {
    const text = readFileSync(join(examples, '05-nvme-x86-msix-trapped.json'), 'utf8');
    const res = await api.call('POST', '/v1/plans', { raw: text });
    expect(res.status).toBe(200);
    const read = readScenario(text);
    expect(read.ok && res.body).toEqual(read.ok && planToJson(planAnswer(read.scenario)));
    expect(res.body.regions).toEqual([
      {
        pe: '0000:01',
        bdf: '0000:01:00.0',
        regions: [
          { index: 0, offset: '0x0', size: '0x4000', flags: ['READ', 'WRITE', 'MMAP'], caps: ['MSIX_MAPPABLE'] },
        ],
      },
    ]);
  });

  it('keeps a 0xfffffffffffff000-class address exact through the HTTP body', async () => {
    const body = {
      host: { id: 'top', platform: 'powernv', pageSize: '0x10000' },
      pes: [wirePe('p', { bdf: 'ffff:ff:1f.7', bars: [wireBar(0, 'mem64', '0xfffffffffffff000', '0x1000')] })],
    };
    const res = await api.call('POST', '/v1/plans', { body });
    expect(res.status).toBe(200);
    expect(res.body.bars[0]).toMatchObject({ mode: 'EMULATED', reasons: ['HOST_SUBPAGE_UNALIGNED'] });
  });

  it('refuses bad input with 400 and every problem named', async () => {
    const body = {
      host: { id: 'h', platform: 'arm64', pageSize: '0x10000', colour: 1 },
      pes: [
        {
          id: 'a',
          functions: [{ bdf: '0000:01:00.0', bars: [{ index: 0, kind: 'mem32', address: '0x10000', size: '0x3000' }] }],
        },
      ],
    };
    const res = await api.call('POST', '/v1/plans', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'VALIDATION',
      problems: [{ path: 'host.colour', message: 'is not a known field' }],
    });
    const rules = await api.call('POST', '/v1/plans', {
      body: { ...body, host: { id: 'h', platform: 'arm64', pageSize: '0x10000' } },
    });
    expect(rules.body.problems).toEqual([
      { path: 'pes[0].functions[0].bars[0].size', message: 'size 0x3000 is not 0 or a power of two' },
    ]);
  });

  it('refuses a bare number above 2^53 and a body that is not JSON', async () => {
    const big = await api.call('POST', '/v1/plans', {
      raw: '{"host":{"id":"h","platform":"x86_64","pageSize":"0x1000"},"pes":[{"id":"a","functions":[{"bdf":"0000:01:00.0","bars":[{"index":0,"kind":"mem64","address":18446744073709547520,"size":4096}]}]}]}',
    });
    expect(big.status).toBe(400);
    expect(big.body.problems[0]).toMatchObject({
      path: 'pes[0].functions[0].bars[0].address',
      message: expect.stringContaining('not exact'),
    });
    const notJson = await api.call('POST', '/v1/plans', { raw: '{"host":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: 'VALIDATION', problems: [{ path: '$' }] });
  });

  it('answers 401 without a token or with an unknown one', async () => {
    const none = await api.call('POST', '/v1/plans', { role: null, body: {} });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('UNAUTHENTICATED');
    const unknown = await api.call('POST', '/v1/plans', {
      role: null,
      body: {},
      headers: { authorization: 'Bearer nope' },
    });
    expect(unknown.status).toBe(401);
  });

  it('serves /health/live, /health (each component), /metrics and the OpenAPI document without a token', async () => {
    const live = await api.call('GET', '/health/live', { role: null });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok' });
    // The API alone: the database and Kafka answer; the services are whatever this machine runs
    // (test/api/health.e2e-spec.ts runs them), each one named with its status.
    const health = await api.call('GET', '/health', { role: null });
    expect([200, 503]).toContain(health.status);
    expect(health.body.details).toMatchObject({
      database: { status: 'up' },
      kafka: { status: 'up' },
      'pe-registry': { status: expect.stringMatching(/^(up|down)$/) },
      'vfio-regions': { status: expect.stringMatching(/^(up|down)$/) },
      'guest-memory': { status: expect.stringMatching(/^(up|down)$/) },
      projector: { status: expect.stringMatching(/^(up|down)$/) },
    });
    const metrics = await api.call('GET', '/metrics', { role: null });
    expect(metrics.text).toContain('barplane_api_process_cpu_seconds_total');
    const docs = await api.call('GET', '/docs/json', { role: null });
    expect(Object.keys(docs.body.paths)).toContain('/v1/plans');
    // Body schemas come from the validating DTOs themselves.
    expect(docs.body.components.schemas.BarDto).toMatchObject({
      properties: {
        kind: { enum: ['mem32', 'mem64', 'io', 'rom'] },
        address: { type: 'string', pattern: expect.any(String) },
      },
      required: expect.arrayContaining(['index', 'kind', 'address', 'size']),
    });
    expect(docs.body.components.schemas.ScenarioDto.properties.pes).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/PeDto' },
    });
    // The answer's schema, next to the request DTOs' (apps/api/src/plans/plan-response.dto.ts).
    expect(docs.body.components.schemas.PlanDto.properties.regions).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/PlanFunctionRegionsDto' },
    });
  });
});
