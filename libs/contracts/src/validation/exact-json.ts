import { isSafeNumber, parse } from 'lossless-json';
import { Problem } from '@barplane/domain';

export type ExactJson = { ok: true; value: unknown; inexact: Problem[] } | { ok: false; problems: Problem[] };

const INEXACT = Symbol('inexact');
/** Deeper than any barplane body (a scenario is 6 levels deep): refused before anything recurses. */
export const MAX_JSON_DEPTH = 64;
/** Keys that name object machinery, never data: no barplane body has them. */
const MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);
const EXACT_BELOW = 2 ** 52;
interface InexactNumber {
  [INEXACT]: string;
}

export interface ExactJsonOptions {
  /**
   * Measure the nesting before parsing (the default): a body from the network must not make
   * JSON.parse build millions of levels before it is refused. A file the user chose (`barplane
   * plan`) skips the scan, ~5 % of the command: a walk after parsing still refuses any depth
   * past the limit, with the same problem.
   */
  readonly scanDepthFirst?: boolean;
}

/**
 * Parses JSON without letting a bare number round: any number a double cannot hold exactly
 * (at or above 2^53, say) becomes null and a problem at its path, so it is refused, never
 * silently changed.
 */
export function parseExactJson(text: string, { scanDepthFirst = true }: ExactJsonOptions = {}): ExactJson {
  if (scanDepthFirst) {
    const deep = depthProblem(text);
    if (deep) return deep;
  }
  // Fast path: JSON.parse, then one walk that finds every number exact, no machinery key and
  // no nesting past the limit. Anything else (a number a double may have rounded, a
  // `__proto__` key, a syntax error, depth) goes the whole way, which alone can tell exact
  // from rounded and names every problem.
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainExact(value, 1)) return { ok: true, value, inexact: [] };
  } catch {
    // fall through: lossless-json names the position of the syntax error
  }
  if (!scanDepthFirst) {
    const deep = depthProblem(text);
    if (deep) return deep;
  }
  const parsed = parseNumbersLosslessly(text);
  if (!parsed.ok) return parsed;
  const machinery: Problem[] = [];
  findMachineryKeys(parsed.value, [], machinery);
  return machinery.length > 0 ? { ok: false, problems: machinery } : parsed;
}

function parseNumbersLosslessly(text: string): ExactJson {
  let value: unknown;
  try {
    value = parse(text, null, (digits: string) =>
      isSafeNumber(digits) ? Number(digits) : ({ [INEXACT]: digits } as InexactNumber),
    );
  } catch (error) {
    return { ok: false, problems: [{ path: '$', message: `not JSON: ${(error as Error).message}` }] };
  }
  const inexact: Problem[] = [];
  value = replaceInexact(value, '', inexact);
  return { ok: true, value, inexact };
}

function replaceInexact(value: unknown, path: string, found: Problem[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (INEXACT in value) {
    const digits = (value as InexactNumber)[INEXACT];
    found.push({
      path: path || '$',
      message: `the number ${digits} is not exact as a JSON number (a double cannot hold it); write it as a "0x..." string`,
    });
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceInexact(value[i], `${path}[${i}]`, found);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record))
    record[key] = replaceInexact(record[key], path ? `${path}.${key}` : key, found);
  return value;
}

/**
 * Every number exact (an integer below 2^52 in magnitude: above it a double may have rounded)
 * and no key that names object machinery.
 */
function isPlainExact(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < EXACT_BELOW;
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainExact(value[i], depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (MACHINERY.has(key) || !isPlainExact((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function depthProblem(text: string): ExactJson | undefined {
  const depth = nestingDepth(text);
  if (depth <= MAX_JSON_DEPTH) return undefined;
  return { ok: false, problems: [{ path: '$', message: `nested ${depth} levels deep; at most ${MAX_JSON_DEPTH}` }] };
}

/** The deepest nesting of arrays and objects in JSON text, strings skipped (one pass, no recursion). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * `__proto__`, `constructor` and `prototype` keys are refused by name: class-transformer and
 * the lossless parser would treat them as object machinery rather than unknown fields. The
 * path is kept as a stack of keys and joined only for a key found: a scenario has hundreds of
 * thousands of keys, and a path string for each was most of the walk's time.
 */
function findMachineryKeys(value: unknown, at: (string | number)[], found: Problem[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      findMachineryKeys(value[i], at, found);
      at.pop();
    }
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null)
    found.push({ path: pathOf([...at, '__proto__']), message: UNKNOWN });
  for (const key of Object.keys(value)) {
    at.push(key);
    if (MACHINERY.has(key)) found.push({ path: pathOf(at), message: UNKNOWN });
    else findMachineryKeys((value as Record<string, unknown>)[key], at, found);
    at.pop();
  }
}

const UNKNOWN = 'is not a known field';

/** `pes[0].functions[1].bars`, as the other problems name paths. */
function pathOf(keys: readonly (string | number)[]): string {
  let path = '';
  for (const k of keys) path = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
  return path;
}
