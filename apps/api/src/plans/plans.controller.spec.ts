import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { planAnswer, planToJson } from '@barplane/domain';
import { parseExactJson, readScenario } from '@barplane/contracts';
import { ExactRequest } from '../http/exact-json.middleware';
import { PlansController } from './plans.controller';

// The controller and its OpenAPI answer schema without a database or a broker
// (test/api/plans.e2e-spec.ts checks the same route over HTTP against the running API).
const example = readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'examples', '06-nvme-64k-pseries.json'), 'utf8');

describe('POST /v1/plans (controller)', () => {
  it('answers what barplane plan prints: the decisions and every function\'s VFIO regions', () => {
    const parsed = parseExactJson(example);
    if (!parsed.ok) throw new Error('example is not JSON');
    const answer = new PlansController().plan(parsed.value, { inexact: parsed.inexact } as ExactRequest);
    const read = readScenario(example);
    expect(read.ok && answer).toEqual(read.ok && planToJson(planAnswer(read.scenario)));
    expect(answer.regions).toEqual([
      {
        pe: '0000:01',
        bdf: '0000:01:00.0',
        regions: [
          { index: 0, offset: '0x0', size: '0x4000', flags: ['READ', 'WRITE', 'MMAP'], caps: ['MSIX_MAPPABLE'], subPageReservation: { start: '0x600c080004000', size: '0xc000' } },
        ],
      },
    ]);
  });

  it('documents the answer, regions included, in the OpenAPI document', async () => {
    const module = await Test.createTestingModule({ controllers: [PlansController] }).compile();
    const app = module.createNestApplication();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
    const ok = (document.paths['/v1/plans'].post!.responses['200'] as { content: Record<string, { schema: object }> }).content['application/json'];
    expect(ok.schema).toEqual({ $ref: '#/components/schemas/PlanDto' });
    const schemas = document.components!.schemas as Record<string, { properties: Record<string, object>; required?: string[] }>;
    expect(schemas.PlanDto.required).toEqual(['ruleSet', 'host', 'pes', 'bars', 'regions']);
    expect(schemas.PlanDto.properties.regions).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/PlanFunctionRegionsDto' } });
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
