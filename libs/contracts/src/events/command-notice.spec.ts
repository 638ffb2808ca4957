import { commandNoticeOf, readCommandNotice } from './command-notice';

describe('command notices', () => {
  const answer = {
    id: 'a',
    type: 'CommandApplied',
    schemaVersion: 1,
    hostId: 'h',
    correlationId: 'c',
    principal: 'p',
    data: { commandId: 'cmd', note: 'ü\nline' },
  };

  it('carry the status and the answer when they fit', () => {
    expect(readCommandNotice(commandNoticeOf('cmd', 'applied', JSON.stringify(answer)))).toEqual({
      commandId: 'cmd',
      status: 'applied',
      answer,
    });
  });

  it('carry the id alone when the answer would not fit in a NOTIFY', () => {
    const big = { ...answer, data: { commandId: 'cmd', events: 'x'.repeat(8000) } };
    const payload = commandNoticeOf('cmd', 'applied', JSON.stringify(big));
    expect(payload).toBe('cmd');
    expect(readCommandNotice(payload)).toEqual({ commandId: 'cmd' });
  });

  it('name no command whose id holds control characters (they would break the lines)', () => {
    expect(commandNoticeOf('bad\u001eid', 'applied', JSON.stringify(answer))).toBe('');
    expect(readCommandNotice('')).toEqual({ commandId: '' });
  });
});
