/** 64-bit values travel as lowercase "0x..." strings; in code they are always bigint. */
export const U64_LIMIT = 1n << 64n;

const HEX = /^0x[0-9a-f]+$/i;
const DECIMAL = /^[0-9]+$/;

/** Parses "0x..." hex or a decimal string into a bigint in [0, 2^64); undefined when it is neither. */
export function parseU64(text: string): bigint | undefined {
  if (!HEX.test(text) && !DECIMAL.test(text)) return undefined;
  const value = BigInt(text);
  return value < U64_LIMIT ? value : undefined;
}

/** Lowercase hex with no leading zeros; "0x0" for zero. */
export function toHex(value: bigint): string {
  return '0x' + value.toString(16);
}
