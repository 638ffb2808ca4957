import { getMetadataStorage } from 'class-validator';

type Target = object;
type Lookup = (target: Target, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => unknown[];

let installed = false;

/**
 * class-validator looks up a class's rules (walking every registered class for ancestors)
 * once per validated object: 50,000 times for a 30,000-BAR scenario. The rules of a class
 * are fixed once its module is loaded, so the lookup is cached per class and options, and
 * the cache is dropped whenever any class registers a new rule.
 */
export function cacheValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage() as unknown as {
    getTargetValidationMetadatas: Lookup;
    addValidationMetadata: (m: unknown) => void;
  };
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  const cache = new Map<Target, Map<string, unknown[]>>();
  storage.addValidationMetadata = (metadata) => {
    cache.clear();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    let byKey = cache.get(target);
    if (!byKey) cache.set(target, (byKey = new Map()));
    let rules = byKey.get(key);
    if (!rules) byKey.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
}
