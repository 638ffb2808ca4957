import { validateSync } from 'class-validator';
import { Problem } from '@barplane/domain';
import { instantiate } from './instantiate';
import { cacheValidationMetadata } from './metadata-cache';
import { shapeCheck } from './shape-check';
import { validationProblems } from './validation-problems';

cacheValidationMetadata();

export type BodyRead<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * Validates a parsed JSON object against a DTO class: every problem at its JSON path, unknown
 * fields refused. `inexact` are the numbers the exact parser refused (replaced by null): they
 * are named with their own message rather than as "is required".
 */
export function readBody<T extends object>(
  dto: new () => T,
  body: unknown,
  inexact: readonly Problem[] = [],
  notObject = 'the body must be a JSON object',
  opts: { fast?: boolean } = {},
): BodyRead<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, problems: [{ path: '$', message: notObject }] };
  const value = instantiate(dto, body);
  // `fast`: a compiled check that passes only what class-validator passes (shape-check.ts).
  if (opts.fast && inexact.length === 0 && shapeCheck(dto)?.(body)) return { ok: true, value };
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const inexactPaths = new Set(inexact.map((p) => p.path));
  const problems = [...inexact, ...validationProblems(errors).filter((p) => !inexactPaths.has(p.path))];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
