import { SCHEMA_VERSION } from '@barplane/contracts';
import { appliedEntriesOf, appliedEntry, appliedMessage } from './applied-log';

const event = (id: string) => ({
  id,
  type: 'GuestBarProgrammed',
  schemaVersion: SCHEMA_VERSION,
  hostId: 'p9',
  correlationId: 'c',
  principal: 'p',
  data: {},
});

describe('applied-order log', () => {
  it('carries a host transaction of entries in one message, keyed by the host, read back in order', () => {
    const entries = ['e1', 'e2', 'e3'].map((id, i) =>
      appliedEntry(event(id), { topic: 'guest.events', partition: 1, offset: String(10 + i) }),
    );
    const message = appliedMessage('projector.applied', entries);
    expect(message.key).toBe('p9');
    expect(appliedEntriesOf(JSON.stringify(message.payload)).map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    // Derived from the events: the same entries name the same message.
    expect(appliedMessage('projector.applied', entries).messageId).toBe(message.messageId);
    expect(appliedMessage('projector.applied', entries.slice(1)).messageId).not.toBe(message.messageId);
  });

  it('reads the first format too: one bare entry per message', () => {
    const bare = { hostId: 'p9', eventId: 'e0', topic: 'pe.events', partition: 0, offset: '3' };
    expect(appliedEntriesOf(JSON.stringify(bare))).toEqual([bare]);
    expect(appliedEntriesOf('{"something":"else"}')).toEqual([]);
  });
});
