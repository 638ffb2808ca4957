import { ValidationOptions, registerDecorator } from 'class-validator';
import { idProblem } from '@barplane/domain';

/** An id (host, PE, VM): a non-empty, bounded, printable, well-formed string (domain `idProblem`). */
export function IsId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ value }) => {
          const one = (v: unknown) => (typeof v === 'string' ? idProblem(v) : 'must be a string');
          if (Array.isArray(value)) return value.map(one).find((p) => p !== undefined) ?? 'is not a valid id';
          return one(value) ?? 'is not a valid id';
        },
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && idProblem(value) === undefined },
    });
}
