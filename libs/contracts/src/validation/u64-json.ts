import { parseU64 } from '@barplane/domain/pci/hex';

// Kept apart from the IsU64 decorator: the compiled shape check and the scenario conversion
// need these without loading class-validator.

/** A 64-bit address or size as it may appear in JSON: "0x..." hex, a decimal string, or a safe integer. */
export type U64Json = string | number;

/** Hex of at most 16 digits: below 2^64 without building a bigint (the common case, checked first). */
const SHORT_HEX = /^0x[0-9a-fA-F]{1,16}$/;

export function isU64Json(value: unknown): value is U64Json {
  if (typeof value === 'string') return SHORT_HEX.test(value) || parseU64(value) !== undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The bigint a validated U64Json stands for. */
export function u64(value: U64Json): bigint {
  return typeof value === 'number' ? BigInt(value) : (parseU64(value) as bigint);
}
