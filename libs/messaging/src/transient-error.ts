/**
 * Failures that say nothing about the message: the database or the broker is unreachable,
 * restarting or overloaded, or a transaction lost a race. A handler failing with one of these
 * is retried for as long as it lasts; only other failures can make a message poison.
 */
export class TransientError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'TransientError';
  }
}

/** Node's network errors: the other side is not there (yet, or any more). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
]);

/**
 * PostgreSQL SQLSTATEs of a failure that a retry can cure: class 08 (connection exception),
 * 53 (insufficient resources: too many connections, out of memory or disk), 57P01-57P05
 * (admin shutdown, crash shutdown, cannot connect now, database dropped, idle session timeout),
 * 40001 (serialization failure) and 40P01 (deadlock detected).
 */
const PG_TRANSIENT = /^(08...|53...|57P0[1-5]|40001|40P01)$/;

/** Messages of pg and TypeORM when the connection itself is gone (they carry no SQLSTATE). */
const CONNECTION_GONE =
  /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect|Connection lost|the database system is (starting up|shutting down|in recovery mode)/i;

/** Whether `error` (or what caused it) is a transient failure. */
export function isTransient(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  if (error instanceof TransientError) return true;
  const e = error as {
    code?: unknown;
    retriable?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    driverError?: unknown;
  };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_TRANSIENT.test(e.code))) return true;
  // kafkajs marks what it would retry itself; its connection and timeout errors are transient too.
  if (e.retriable === true) return true;
  if (
    typeof e.name === 'string' &&
    /^KafkaJS(Connection|RequestTimeout|NumberOfRetriesExceeded|BrokerNotFound)Error$/.test(e.name)
  )
    return true;
  if (typeof e.message === 'string' && CONNECTION_GONE.test(e.message)) return true;
  // TypeORM's QueryFailedError keeps the driver's error; kafkajs and others keep a cause.
  return [e.driverError, e.cause, e.originalError].some(
    (inner) => inner !== undefined && inner !== error && isTransient(inner, depth + 1),
  );
}
