import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseU64 } from '@barplane/domain';

/** A 64-bit address or size as it may appear in JSON: "0x..." hex, a decimal string, or a safe integer. */
export type U64Json = string | number;

/** Hex of at most 16 digits: below 2^64 without building a bigint (the common case, checked first). */
const SHORT_HEX = /^0x[0-9a-fA-F]{1,16}$/;

export function isU64Json(value: unknown): value is U64Json {
  if (typeof value === 'string') return SHORT_HEX.test(value) || parseU64(value) !== undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function IsU64(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isU64',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          'must be a 64-bit value: a "0x..." hex string, a decimal string, or a JSON integer below 2^53, in [0, 2^64)',
        ...options,
      },
      validator: { validate: (value: unknown) => isU64Json(value) },
    });
}

/** The bigint a validated U64Json stands for. */
export function u64(value: U64Json): bigint {
  return typeof value === 'number' ? BigInt(value) : (parseU64(value) as bigint);
}
