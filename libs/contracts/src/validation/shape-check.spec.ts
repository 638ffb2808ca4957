import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioToJson } from '@barplane/domain';
import { scenarioArbitrary } from '@barplane/domain/testing/scenario-arbitrary';
import { ImportTopologyDto, RegisterHostDto } from '../commands/host-commands.dto';
import { ScenarioDto } from '../scenario/scenario.dto';
import { DtoClass } from './dto-schema';
import { parseExactJson } from './exact-json';
import { readBody } from './read-body';
import { shapeCheck } from './shape-check';
import { scenarioShapeModule } from './shape-check-code';
import { loadStandaloneCheck } from './standalone-module';

// The fast path of readBody trusts the compiled check's pass: it must pass only what
// class-validator passes (it may refuse more: a null for an optional field, an array where a
// nested object belongs; class-validator then decides). Generated scenarios, broken at random,
// show that, and that readBody answers exactly alike with and without the fast path.
const check = shapeCheck(ScenarioDto)!;
// The same check as the build writes it (scenario-shape.generated.js), for `barplane plan`.
const standalone = loadStandaloneCheck(scenarioShapeModule());
const classValidatorPasses = (body: unknown) => readBody(ScenarioDto, body).ok;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a JSON document. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => paths((value as Record<string, Json>)[k], [...at, k]))];
}

/** A copy of `doc` with the value at `path` replaced (or removed, for `undefined`). */
function withValue(doc: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(doc);
  if (path.length === 0) return value ?? null;
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

const replacement = fc.oneof(
  fc.constantFrom<Json | undefined>(
    undefined,
    '',
    'x',
    '0x',
    '0xfffffffffffffffff',
    '-1',
    'mem64',
    'auto',
    '0000:00:00.0',
    'a b',
    true,
    0,
    -1,
    7,
    1.5,
    65536,
    2 ** 53,
    [],
    {},
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.record({ unknown: fc.constant(1) }),
  fc.constant<Json>(null),
);

describe('the compiled shape check', () => {
  it('exists: every rule of the scenario DTOs has an exact schema', () => {
    expect(check).not.toBeNull();
  });

  it('passes the worked examples, as class-validator does', () => {
    const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const parsed = parseExactJson(readFileSync(join(dir, file), 'utf8'));
      if (!parsed.ok) throw new Error(file);
      expect([file, check(parsed.value), standalone(parsed.value)]).toEqual([file, true, true]);
      expect(classValidatorPasses(parsed.value)).toBe(true);
    }
  });

  // The scenario, and the commands that carry parts of one (a large topology is checked twice:
  // by the API and by pe-registry, both through commandFromWire).
  const bodies: [string, DtoClass, (doc: { host: Json; pes: Json }) => Json][] = [
    ['a scenario', ScenarioDto, (doc) => doc as unknown as Json],
    ['ImportTopology', ImportTopologyDto, (doc) => ({ pes: doc.pes })],
    ['RegisterHost', RegisterHostDto, (doc) => ({ host: doc.host })],
  ];

  it.each(bodies)(
    '%s: passes only what class-validator passes, and readBody answers alike either way, broken at one place',
    (_, dto, bodyOf) => {
      const checkOf = shapeCheck(dto);
      expect(checkOf).not.toBeNull();
      const broken = scenarioArbitrary.chain((scenario) => {
        const doc = bodyOf(JSON.parse(JSON.stringify(scenarioToJson(scenario))));
        return fc.tuple(fc.constant(doc), fc.constantFrom(...paths(doc)), replacement);
      });
      fc.assert(
        fc.property(broken, ([doc, path, value]) => {
          // An object at the path gains an unknown field instead, when the value is the marker {"unknown":1}.
          const target = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], doc);
          const addsField = value !== null && typeof value === 'object' && !Array.isArray(value) && 'unknown' in value;
          const body =
            addsField && target !== null && typeof target === 'object' && !Array.isArray(target)
              ? withValue(doc, [...path, 'extra'], 1)
              : withValue(doc, path, value);
          if (checkOf!(body)) expect(readBody(dto as never, body).ok).toBe(true);
          if (dto === ScenarioDto) expect(standalone(body)).toBe(checkOf!(body));
          expect(readBody(dto as never, body, [], 'x', { fast: true })).toEqual(readBody(dto as never, body, [], 'x'));
        }),
        { numRuns: 300 },
      );
    },
  );
});
