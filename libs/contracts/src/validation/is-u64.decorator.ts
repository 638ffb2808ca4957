import { ValidationOptions, registerDecorator } from 'class-validator';
import { isU64Json } from './u64-json';

export { isU64Json, u64 } from './u64-json';
export type { U64Json } from './u64-json';

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
