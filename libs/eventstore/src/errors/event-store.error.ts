/**
 * Machine codes callers switch on (HTTP mapping, retry decisions); the message is for humans.
 * CONFLICT matches the domain's DomainError code so the API maps both to 409 the same way.
 */
export type EventStoreErrorCode = 'CONFLICT' | 'INVALID_ARGUMENT' | 'NOT_MIGRATED';

/** Base of every error this library throws on purpose (driver errors are wrapped or rethrown as is). */
export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
