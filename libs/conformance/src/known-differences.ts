/**
 * Disagreements between barplane and a real kernel that are accepted, each with its reason. A
 * disagreement found by the lab that is not listed here fails the run; the kernel is the
 * authority, so an entry belongs here only when the difference is in the lab, not in barplane.
 */
export const KNOWN_DIFFERENCES: readonly { match: RegExp; reason: string }[] = [];

/** Splits disagreements into the known ones (with their reason) and the open ones. */
export function sortDisagreements(disagreements: readonly string[]): {
  known: { disagreement: string; reason: string }[];
  open: string[];
} {
  const known: { disagreement: string; reason: string }[] = [];
  const open: string[] = [];
  for (const d of disagreements) {
    const k = KNOWN_DIFFERENCES.find((x) => x.match.test(d));
    if (k) known.push({ disagreement: d, reason: k.reason });
    else open.push(d);
  }
  return { known, open };
}
