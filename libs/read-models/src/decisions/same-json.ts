/**
 * Whether two JSON values are equal as JSON: the same content whatever the key order (a value
 * read back from jsonb has its keys in jsonb's order, one held in memory in the engine's). A
 * key whose value is undefined counts as absent, as after JSON.stringify. Walks both without
 * allocating: the projector compares every decision of a host after every event, and text
 * forms of each (JSON.stringify, or canonical JSON for one read back) cost more than the rest
 * of the comparison and, kept per decision, tens of megabytes in a fleet's projector.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || x[k] === undefined) continue;
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k])) return false;
    keys++;
  }
  for (const k in y) if (Object.hasOwn(y, k) && y[k] !== undefined) keys--;
  return keys === 0;
}
