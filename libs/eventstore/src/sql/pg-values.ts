import { EventStoreError } from '../errors/event-store.error';

/**
 * int8 columns come back from pg as decimal strings (TypeORM keeps them so, and we never turn on
 * parseInt8: it rounds above 2^53). This is the one place they become bigint.
 */
export function int8(value: unknown, column: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new EventStoreError('INVALID_ARGUMENT', `${column}: expected an int8, got ${String(value)}`);
}

/** Bind parameter for an int8: a decimal string, so the driver never sees a JS number. */
export function int8Param(value: bigint): string {
  return value.toString();
}

/**
 * Bind parameter for a jsonb column. Stringified here because pg would turn a JS array into a
 * PostgreSQL array literal; and a bigint inside would make JSON.stringify throw deep in the
 * driver, so it is reported with the field's name instead (64-bit values travel as "0x..." text).
 */
export function jsonParam(value: unknown, what: string): string {
  try {
    return JSON.stringify(value ?? null);
  } catch (error) {
    throw new EventStoreError('INVALID_ARGUMENT', `${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
}

/** SQLSTATE of a failed query, whether pg's error or TypeORM's QueryFailedError copying it. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const DEADLOCK_DETECTED = '40P01';
