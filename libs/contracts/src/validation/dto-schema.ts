import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/** A DTO class (its name keys its schema). */
export type DtoClass = abstract new (...args: never[]) => object;

/** A JSON schema node, as class-validator-jsonschema builds them. */
export type SchemaNode = { [keyword: string]: unknown };

/**
 * The rules a DTO schema states exactly, by class-validator metadata kind (`type:name`); a DTO
 * graph using any other (ValidateIf, a new custom decorator) gets no schema, so no shortcut
 * can ever accept what class-validator would refuse.
 */
const EXACT_RULES = new Set([
  'isDefined:isDefined',
  'conditionalValidation:isOptional',
  'nestedValidation:',
  ...[
    'isU64',
    'isBdf',
    'isId',
    'isInt',
    'min',
    'max',
    'isIn',
    'isBoolean',
    'isString',
    'isArray',
    'matches',
    'maxLength',
    'arrayMaxSize',
  ].map((name) => `customValidation:${name}`),
]);

interface RuleMetadata {
  type: string;
  name?: string;
  target: DtoClass;
  constraints?: unknown[];
}

/**
 * The JSON schemas of every DTO, with `definitions` of the ones `root` reaches, as strict as
 * class-validator with the options readBody uses: unknown fields refused
 * (additionalProperties false), the project's decorators as the keywords `u64`, `bdf` and
 * `barplaneId` (checked by the same functions), `@IsDefined` as `required` and `notNull`,
 * `@IsIn` as the exact `enum`. Undefined when the DTOs reached use a rule with no exact
 * counterpart.
 */
export function dtoSchema(root: DtoClass): { $ref: string; definitions: Record<string, SchemaNode> } | undefined {
  const rules = (getMetadataStorage() as unknown as { validationMetadatas: Map<DtoClass, RuleMetadata[]> })
    .validationMetadatas;
  const definitions = allDefinitions(rules);
  if (!definitions[root.name]) return undefined;
  const reached = reachable(definitions, root.name);
  for (const [target, metas] of rules) {
    if (!reached.has(target.name)) continue;
    if (metas.some((m) => !EXACT_RULES.has(`${m.type}:${m.name ?? ''}`))) return undefined;
  }
  return { $ref: `#/definitions/${root.name}`, definitions };
}

let generated: { rules: number; definitions: Record<string, SchemaNode> } | undefined;

/**
 * Every DTO's schema, unknown fields refused, made once for all the DTOs a process checks (each
 * command type compiles its own check): again only if a class registered rules since.
 */
function allDefinitions(rules: Map<DtoClass, RuleMetadata[]>): Record<string, SchemaNode> {
  let count = 0;
  for (const metas of rules.values()) count += metas.length;
  if (generated?.rules === count) return generated.definitions;
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/definitions/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    // Keywords of our own (ajv's addKeyword, shape-check.ts), which OpenAPI's types do not know.
    additionalConverters: {
      isDefined: { notNull: true },
      isU64: { u64: true },
      isBdf: { bdf: true },
      isId: { barplaneId: true },
      isIn: (meta: { constraints: unknown[][] }) => ({ enum: meta.constraints[0] }),
    } as never,
  }) as Record<string, SchemaNode>;
  const definitions: Record<string, SchemaNode> = {};
  for (const [name, schema] of Object.entries(schemas)) definitions[name] = { ...schema, additionalProperties: false };
  generated = { rules: count, definitions };
  return definitions;
}

/** The definitions `name` refers to, itself included. */
function reachable(definitions: Record<string, SchemaNode>, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name) || !definitions[name]) return seen;
  seen.add(name);
  for (const ref of JSON.stringify(definitions[name]).matchAll(/"#\/definitions\/(\w+)"/g))
    reachable(definitions, ref[1], seen);
  return seen;
}
