import { parseU64, toHex } from '@barplane/domain/pci/hex';

// Display helpers. 64-bit values arrive as "0x..." strings and stay bigint (domain's parseU64),
// never Number; `human` and `percent` are for people, not for math.

export const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
export const enc = encodeURIComponent;
export const chip = (mode: string): string => `<span class="chip" data-mode="${esc(mode)}">${esc(mode)}</span>`;

/** A wire "0x..." value as bigint; absent is 0. */
export const big = (s: string | null | undefined): bigint => (s ? (parseU64(s) ?? 0n) : 0n);
export const hex = toHex;

/** The "bdf/index" key of a BAR in the maps the pages keep. */
export const keyOf = (bdf: string, index: number): string => `${bdf}/${index}`;

/** "0x10000" -> "64K", "0x956100" -> "9.3M". */
export function human(n: bigint): string {
  const units: [string, bigint][] = [
    ['T', 1n << 40n],
    ['G', 1n << 30n],
    ['M', 1n << 20n],
    ['K', 1n << 10n],
  ];
  for (const [u, v] of units) {
    if (n >= v) {
      const whole = n / v;
      const tenth = ((n % v) * 10n) / v;
      return tenth === 0n ? `${whole}${u}` : `${whole}.${tenth}${u}`;
    }
  }
  return `${n} B`;
}

/** A share a/b as "93.4 %". */
export function percent(a: bigint, b: bigint): string {
  if (b === 0n) return '-';
  const per = (a * 1000n) / b;
  return `${per / 10n}.${per % 10n} %`;
}

/** What a person typed, "0x..." or decimal, as a 64-bit value; null if it is not one. */
export function parseAddress(text: string): bigint | null {
  return parseU64(text.trim().toLowerCase()) ?? null;
}
