import { parse } from 'lossless-json';

/**
 * Parses QMP JSON with every integer as a bigint: query-pci gives 64-bit addresses and sizes as
 * bare numbers, and a double would round those above 2^53 (architecture.md, "Numbers").
 */
export function parseQmpJson(text: string): unknown {
  return parse(text, null, (digits: string) => (/^-?\d+$/.test(digits) ? BigInt(digits) : Number(digits)));
}
