import { defaultMetadataStorage } from 'class-transformer/cjs/storage';

type Class = new () => object;
const nestedTypes = new Map<Class, Map<string, Class | null>>();

/**
 * plainToInstance for our DTOs, reading the same @Type metadata: each object becomes an
 * instance of its DTO class so class-validator finds its rules. class-transformer's general
 * machinery costs more than the validation itself on a 30,000-BAR scenario; this walk only
 * sets prototypes and copies own fields.
 */
export function instantiate<T extends object>(cls: new () => T, plain: unknown): T {
  return toInstance(cls, plain) as T;
}

function toInstance(cls: Class, plain: unknown): unknown {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return plain;
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    const value = (plain as Record<string, unknown>)[key];
    const nested = nestedType(cls, key);
    instance[key] = !nested
      ? value
      : Array.isArray(value)
        ? value.map((item) => toInstance(nested, item))
        : toInstance(nested, value);
  }
  return instance;
}

function nestedType(cls: Class, key: string): Class | null {
  let byKey = nestedTypes.get(cls);
  if (!byKey) nestedTypes.set(cls, (byKey = new Map()));
  let nested = byKey.get(key);
  if (nested === undefined) {
    const meta = defaultMetadataStorage.findTypeMetadata(cls, key);
    nested = meta ? (meta.typeFunction() as Class) : null;
    byKey.set(key, nested);
  }
  return nested;
}
