import { EventStoreError } from '../errors/event-store.error';

// Schema names are interpolated into SQL (identifiers cannot be bind parameters), so only plain
// lowercase identifiers are accepted: no quoting rules to get wrong, no injection possible.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns the schema name unchanged when it is a safe plain identifier; throws otherwise. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new EventStoreError('INVALID_ARGUMENT', `schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  return schema;
}

/**
 * `namespace + name` as the services name their schemas and NOTIFY channels: every character
 * that is not a plain identifier character becomes '_' (dots first of all), lowercased; checked
 * like every schema name the event store takes.
 */
export function namespacedSchema(namespace: string, name: string): string {
  const prefix = namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return assertSchemaName(`${prefix}${name}`);
}

/** `"schema".table`, for SQL text; the schema must have passed assertSchemaName. */
export function qualified(schema: string, table: string): string {
  return `"${schema}".${table}`;
}
