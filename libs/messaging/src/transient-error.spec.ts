import { isTransient, TransientError } from './transient-error';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isTransient', () => {
  it('knows the database and the broker being away', () => {
    expect(isTransient(withCode('ECONNREFUSED'))).toBe(true);
    expect(isTransient(withCode('57P01'))).toBe(true); // admin shutdown: PostgreSQL restarting
    expect(isTransient(withCode('57P03'))).toBe(true); // cannot connect now
    expect(isTransient(withCode('08006'))).toBe(true); // connection failure
    expect(isTransient(withCode('53300'))).toBe(true); // too many connections
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransient(Object.assign(new Error('broker'), { name: 'KafkaJSConnectionError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { retriable: true }))).toBe(true);
  });

  it('knows lost races', () => {
    expect(isTransient(withCode('40001'))).toBe(true);
    expect(isTransient(withCode('40P01'))).toBe(true);
  });

  it('looks inside wrapped errors (TypeORM driverError, causes)', () => {
    expect(isTransient(Object.assign(new Error('QueryFailedError'), { driverError: withCode('57P01') }))).toBe(true);
    expect(isTransient(new TransientError('wrapped', withCode('XX000')))).toBe(true);
    expect(isTransient(Object.assign(new Error('outer'), { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  it('calls everything else deterministic: a bug, bad data, a constraint', () => {
    expect(isTransient(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isTransient(withCode('23505'))).toBe(false); // unique violation
    expect(isTransient(withCode('22P02'))).toBe(false); // invalid text representation
    expect(isTransient(Object.assign(new Error('x'), { retriable: false }))).toBe(false);
    expect(isTransient('a string')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});
