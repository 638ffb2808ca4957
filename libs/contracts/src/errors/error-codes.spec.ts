import { BarplaneError } from './barplane-error';
import { ERRORS, EXIT_STATUS, errorCodeForHttp, errorCodeOf, exitForError, httpStatusesForExit } from './error-codes';

describe('ERRORS: each code with its HTTP status and CLI exit status', () => {
  it('gives a BarplaneError the HTTP status of its code', () => {
    expect(new BarplaneError('CONFLICT', 'held').httpStatus).toBe(409);
    expect(BarplaneError.invalid([]).httpStatus).toBe(400);
  });

  it("maps a body's code to its exit status, then the HTTP status when there is no code it knows", () => {
    expect(exitForError('NOT_FOUND', 500)).toBe(EXIT_STATUS.notFound);
    expect(exitForError('ILLEGAL_STATE')).toBe(EXIT_STATUS.conflict);
    expect(exitForError('', 409)).toBe(EXIT_STATUS.conflict);
    expect(exitForError(undefined, 413)).toBe(EXIT_STATUS.invalid);
    expect(exitForError(undefined, 502)).toBe(EXIT_STATUS.failure);
    expect(exitForError(undefined)).toBe(EXIT_STATUS.failure);
  });

  it("answers an owner's code as the API shows it: ILLEGAL_STATE as CONFLICT, an unknown one as VALIDATION", () => {
    expect(errorCodeOf('FAILED')).toBe('FAILED');
    expect(errorCodeOf('ILLEGAL_STATE')).toBe('CONFLICT');
    expect(errorCodeOf('toString')).toBe('VALIDATION');
    expect(errorCodeOf(undefined)).toBe('VALIDATION');
  });

  it('names one code per HTTP status (the first: INTERNAL for 500) and lists the statuses of an exit status', () => {
    expect(errorCodeForHttp(500)).toBe('INTERNAL');
    expect(errorCodeForHttp(418)).toBeUndefined();
    expect(httpStatusesForExit(EXIT_STATUS.invalid)).toEqual([400, 413, 415, 422]);
    expect(httpStatusesForExit(EXIT_STATUS.failure)).toEqual([401, 403, 500, 503]);
    for (const { http, exit } of Object.values(ERRORS)) expect(http >= 400 && exit > 0).toBe(true);
  });
});
