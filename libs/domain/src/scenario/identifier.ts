const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The longest id (host, PE, VM, command, Idempotency-Key) in UTF-16 code units. */
export const MAX_ID_LENGTH = 256;

/**
 * Why a string cannot be an id, or undefined when it can. Ids name things in URLs, logs,
 * Kafka keys, PostgreSQL rows and the audit chain: they are non-blank, at most 256 code
 * units, hold no control character (NUL and friends are refused by PostgreSQL and break
 * logs) and are well-formed Unicode (a lone surrogate cannot be encoded as UTF-8).
 */
export function idProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.trim() === '') return 'must not be blank';
  if (value.length > MAX_ID_LENGTH) return `is ${value.length} characters long; at most ${MAX_ID_LENGTH}`;
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(value);
  if (control)
    return `holds the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${control.index}`;
  if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode (a lone surrogate)';
  return undefined;
}
