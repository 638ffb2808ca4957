import standaloneCode from 'ajv/dist/standalone';
import { ScenarioDto } from '../scenario/scenario.dto';
import { dtoSchema } from './dto-schema';
import { shapeAjv } from './shape-check';

/**
 * The scenario's shape check as a CommonJS module (ajv standalone code), written beside this
 * file at build time as `scenario-shape.generated.js` (scripts/build.mjs): `barplane plan` then
 * checks a valid scenario without loading class-validator or compiling a schema. The module
 * exports the validate function; it requires only `./shape-keyword-checks` and ajv's runtime helpers.
 */
export function scenarioShapeModule(): string {
  const schema = dtoSchema(ScenarioDto);
  if (!schema) throw new Error('the scenario DTOs have no exact schema (dto-schema.ts)');
  const ajv = shapeAjv({ source: true });
  return standaloneCode(ajv, ajv.compile(schema));
}
