import { Problem, Scenario } from '@barplane/domain';
import { parseExactJson } from '../validation/exact-json';
import { readBody } from '../validation/read-body';
import { ScenarioDto } from './scenario.dto';
import { checkedScenario } from './scenario-from-dto';

export type ScenarioRead = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

/** Validates a parsed scenario body: shape (DTOs) first, then the rules that span fields. */
export function scenarioFromJson(body: unknown, inexact: readonly Problem[] = []): ScenarioRead {
  const shape = readBody(ScenarioDto, body, inexact, 'must be a JSON object with host and pes', { fast: true });
  if (!shape.ok) return shape;
  return checkedScenario(shape.value);
}

/** Reads a scenario from JSON text (the CLI's file, an HTTP body). */
export function readScenario(text: string): ScenarioRead {
  const parsed = parseExactJson(text);
  if (!parsed.ok) return parsed;
  return scenarioFromJson(parsed.value, parsed.inexact);
}
