import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseBdf } from '@barplane/domain';

/** A PCI function address `dddd:bb:dd.f` with every part in range. */
export function IsBdf(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBdf',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ value }) => {
          if (typeof value !== 'string') return 'must be a BDF string dddd:bb:dd.f';
          const parsed = parseBdf(value);
          return parsed.ok ? 'is not a valid BDF' : parsed.problem;
        },
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && parseBdf(value).ok },
    });
}
