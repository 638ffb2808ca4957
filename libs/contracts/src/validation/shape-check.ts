import Ajv from 'ajv';
import { DtoClass, dtoSchema } from './dto-schema';
import { SHAPE_KEYWORDS } from './shape-keywords';

/** Whether a parsed body has a DTO's shape: true only where class-validator finds no problem. */
export type ShapeCheck = (body: unknown) => boolean;

const compiled = new Map<DtoClass, ShapeCheck | null>();

/**
 * A compiled check of a DTO's shape (ajv over dtoSchema), built once per DTO on first use; null
 * when the DTO has no exact schema. It may refuse what class-validator accepts (a null for an
 * optional field), never the other way round: readBody's fast path trusts a pass and asks
 * class-validator for the problems of anything else, so every answer and message is the DTO's.
 * Worth it for large bodies: class-validator builds an error tree per object of a scenario.
 */
export function shapeCheck(dto: DtoClass): ShapeCheck | null {
  let check = compiled.get(dto);
  if (check === undefined) compiled.set(dto, (check = compile(dto)));
  return check;
}

function compile(dto: DtoClass): ShapeCheck | null {
  const schema = dtoSchema(dto);
  if (!schema) return null;
  const validate = validator().compile(schema);
  return (body) => validate(body) === true;
}

let shared: Ajv | undefined;

/**
 * The options of every shape check. The schema is generated, not written by hand: checking it
 * against the meta-schema costs time and finds nothing.
 */
const SHAPE_CHECK_OPTIONS = { strict: false, allErrors: false, validateSchema: false } as const;

/** One validator for every DTO's check, with the project's keywords. */
function validator(): Ajv {
  return (shared ??= shapeAjv());
}

/** An ajv with the shape checks' options and keywords (`code`: to write standalone code). */
export function shapeAjv(code?: { source: true }): Ajv {
  const ajv = new Ajv({ ...SHAPE_CHECK_OPTIONS, ...(code ? { code } : {}) });
  for (const keyword of SHAPE_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}
