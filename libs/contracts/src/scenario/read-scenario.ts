import { instantiate } from '../validation/instantiate';
import { cacheValidationMetadata } from '../validation/metadata-cache';
import { validateSync } from 'class-validator';
import { Problem, Scenario, scenarioProblems } from '@barplane/domain';
import { parseExactJson } from '../validation/exact-json';
import { validationProblems } from '../validation/validation-problems';
import { ScenarioDto } from './scenario.dto';
import { scenarioFromDto } from './scenario-from-dto';

export type ScenarioRead = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

cacheValidationMetadata();

/** Validates a parsed scenario body: shape (DTOs) first, then the rules that span fields. */
export function scenarioFromJson(body: unknown, inexact: readonly Problem[] = []): ScenarioRead {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '$', message: 'must be a JSON object with host and pes' }] };
  }
  const dto = instantiate(ScenarioDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  // An inexact number was replaced by null; its own message says more than "is required".
  const inexactPaths = new Set(inexact.map((p) => p.path));
  const shape = [...inexact, ...validationProblems(errors).filter((p) => !inexactPaths.has(p.path))];
  if (shape.length > 0) return { ok: false, problems: shape };
  const scenario = scenarioFromDto(dto);
  const rules = scenarioProblems(scenario);
  return rules.length > 0 ? { ok: false, problems: rules } : { ok: true, scenario };
}

/** Reads a scenario from JSON text (the CLI's file, an HTTP body). */
export function readScenario(text: string): ScenarioRead {
  const parsed = parseExactJson(text);
  if (!parsed.ok) return parsed;
  return scenarioFromJson(parsed.value, parsed.inexact);
}
