import { isSafeNumber, parse } from 'lossless-json';
import { Problem } from '@barplane/domain';

export type ExactJson = { ok: true; value: unknown; inexact: Problem[] } | { ok: false; problems: Problem[] };

const INEXACT = Symbol('inexact');
const MAYBE_INEXACT = /\d{16}|\d[.eE]/;
interface InexactNumber {
  [INEXACT]: string;
}

/**
 * Parses JSON without letting a bare number round: any number a double cannot hold exactly
 * (at or above 2^53, say) becomes null and a problem at its path, so it is refused, never
 * silently changed.
 */
export function parseExactJson(text: string): ExactJson {
  // Fast path: with no run of 16+ digits and no fraction or exponent anywhere in the text,
  // every bare number is a safe integer and JSON.parse cannot round it. The test also looks
  // inside strings; a false alarm only costs the slower lossless parse.
  if (!MAYBE_INEXACT.test(text)) {
    try {
      return { ok: true, value: JSON.parse(text), inexact: [] };
    } catch {
      // fall through: lossless-json names the position of the syntax error
    }
  }
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
    found.push({ path: path || '$', message: `the number ${digits} is not exact in JSON (at or above 2^53); write it as a "0x..." string` });
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceInexact(value[i], `${path}[${i}]`, found);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = replaceInexact(record[key], path ? `${path}.${key}` : key, found);
  return value;
}
