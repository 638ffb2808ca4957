import { parseExactJson } from '../validation/exact-json';
import type { ScenarioRead } from './read-scenario';
import type { ScenarioDto } from './scenario.dto';
import { checkedScenario } from './scenario-from-dto';

/** A compiled shape check of a parsed scenario: true only where class-validator finds no problem. */
export type ScenarioShapeCheck = (body: unknown) => boolean;

/**
 * readScenario for `barplane plan`, the same answers: a scenario that passes the shape check
 * compiled at build time (scenario-shape.generated.js) is converted and checked against the
 * rules without loading class-validator or ajv, the largest part of the command's start-up;
 * anything else, or a run from the sources (no build), takes readScenario's whole way, which
 * names every problem.
 */
export function readScenarioText(text: string, check: ScenarioShapeCheck | undefined = prebuiltCheck()): ScenarioRead {
  // A file the user chose: no depth scan before parsing (the walk after it still refuses).
  const parsed = parseExactJson(text, { scanDepthFirst: false });
  if (!parsed.ok) return parsed;
  const body = parsed.value;
  if (check && parsed.inexact.length === 0 && isObject(body) && check(body))
    return checkedScenario(body as ScenarioDto);
  // Loaded only here: it brings class-validator.

  const { scenarioFromJson } = require('./read-scenario') as typeof import('./read-scenario');
  return scenarioFromJson(body, parsed.inexact);
}

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

function prebuiltCheck(): ScenarioShapeCheck | undefined {
  try {
    const validate = require('../validation/scenario-shape.generated') as ScenarioShapeCheck;
    return (body) => validate(body) === true;
  } catch {
    return undefined;
  }
}
