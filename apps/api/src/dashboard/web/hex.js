// 64-bit values arrive as "0x..." strings: BigInt for every address and size, never Number.

export const big = (s) => (s === undefined || s === null ? 0n : BigInt(s));
export const hex = (n) => '0x' + n.toString(16);
export const floorTo = (n, p) => n - (n % p);
export const ceilTo = (n, p) => ((n + p - 1n) / p) * p;

/** "0x10000" -> "64K", "0x956100" -> "9.3M": for people, not for math. */
export function human(n) {
  const units = [['T', 1n << 40n], ['G', 1n << 30n], ['M', 1n << 20n], ['K', 1n << 10n]];
  for (const [u, v] of units) {
    if (n >= v) {
      const whole = n / v;
      const tenth = ((n % v) * 10n) / v;
      return tenth === 0n ? `${whole}${u}` : `${whole}.${tenth}${u}`;
    }
  }
  return `${n} B`;
}

/** A share a/b as "93.4 %" (BigInt in, text out). */
export function percent(a, b) {
  if (b === 0n) return '-';
  const per = (a * 1000n) / b;
  return `${per / 10n}.${per % 10n} %`;
}

/** Parses what a person typed: "0x...", or decimal; null if it is not a 64-bit value. */
export function parseAddress(text) {
  const t = String(text).trim().toLowerCase();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/.test(t)) return null;
  const n = BigInt(t);
  return n < 1n << 64n ? n : null;
}
