import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { planAnswer, planToJson } from '@barplane/domain';
import { readScenario } from '@barplane/contracts';
import { ControllerKit, controllerKit } from '../testing/controller-test-kit';
import { PlansController } from './plans.controller';

// The controller and its OpenAPI answer schema without a database or a broker
// (test/api/plans.e2e-spec.ts checks the same route against the running API).
const example = readFileSync(
  join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'examples', '06-nvme-64k-pseries.json'),
  'utf8',
);

describe('POST /v1/plans (controller)', () => {
  let kit: ControllerKit;
  beforeAll(async () => (kit = await controllerKit({ controllers: [PlansController] })));
  afterAll(() => kit.close());

  it("answers what barplane plan prints: the decisions and every function's VFIO regions", async () => {
    const res = await kit.call('POST', '/v1/plans', { role: 'viewer', raw: example });
    expect(res.status).toBe(200);
    const read = readScenario(example);
    expect(read.ok && res.body).toEqual(read.ok && JSON.parse(JSON.stringify(planToJson(planAnswer(read.scenario)))));
    expect(res.body.regions).toEqual([
      {
        pe: '0000:01',
        bdf: '0000:01:00.0',
        regions: [
          {
            index: 0,
            offset: '0x0',
            size: '0x4000',
            flags: ['READ', 'WRITE', 'MMAP'],
            caps: ['MSIX_MAPPABLE'],
            subPageReservation: { start: '0x600c080004000', size: '0xc000' },
          },
        ],
      },
    ]);
  });

  it('lists shape problems, a number past 2^53 at its path, and the cross-field rules, each a 400', async () => {
    const unknown = await kit.call('POST', '/v1/plans', {
      role: 'viewer',
      body: { ...JSON.parse(example), colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      error: 'VALIDATION',
      problems: [{ path: 'colour', message: 'is not a known field' }],
    });
    const big = await kit.call('POST', '/v1/plans', {
      role: 'viewer',
      raw: example.replace('"0x4000"', '18446744073709551617'),
    });
    expect(big.body.problems).toEqual([
      { path: expect.stringMatching(/\.size$/), message: expect.stringContaining('is not exact') },
    ]);
    const notJson = await kit.call('POST', '/v1/plans', { role: 'viewer', raw: '{"host":' });
    expect(notJson.body).toMatchObject({
      error: 'VALIDATION',
      message: 'the body is not JSON',
      problems: [{ path: '$' }],
    });
    expect((await kit.call('POST', '/v1/plans', { role: 'viewer', body: [] })).body.problems).toEqual([
      { path: '$', message: 'must be a JSON object with host and pes' },
    ]);
  });

  it('documents the answer, regions included, in the OpenAPI document', async () => {
    const module = await Test.createTestingModule({ controllers: [PlansController] }).compile();
    const app = module.createNestApplication();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
    const ok = (document.paths['/v1/plans'].post!.responses['200'] as { content: Record<string, { schema: object }> })
      .content['application/json'];
    expect(ok.schema).toEqual({ $ref: '#/components/schemas/PlanDto' });
    const schemas = document.components!.schemas as Record<
      string,
      { properties: Record<string, object>; required?: string[] }
    >;
    expect(schemas.PlanDto.required).toEqual(['ruleSet', 'host', 'pes', 'bars', 'regions']);
    expect(schemas.PlanDto.properties.regions).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/PlanFunctionRegionsDto' },
    });
    expect(schemas.PlanVfioRegionDto.properties).toMatchObject({
      offset: { type: 'string', pattern: '^0x[0-9a-f]+$' },
      flags: { type: 'array', items: { type: 'string', enum: ['READ', 'WRITE', 'MMAP'] } },
      caps: { type: 'array', items: { type: 'string', enum: ['MSIX_MAPPABLE', 'SPARSE_MMAP'] } },
      sparseAreas: { type: 'array', items: { $ref: '#/components/schemas/PlanRangeDto' } },
      subPageReservation: { allOf: [{ $ref: '#/components/schemas/PlanSubPageReservationDto' }] },
    });
    expect(schemas.PlanVfioRegionDto.required).toEqual(['index', 'offset', 'size', 'flags', 'caps']);
  });
});
