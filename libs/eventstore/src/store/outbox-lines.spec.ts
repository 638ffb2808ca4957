import { outboxLines, readOutboxLines } from './outbox-lines';

describe('outbox lines', () => {
  it('carry each message with its payload as the JSON text the producer sends, in order', () => {
    const messages = [
      {
        messageId: 'a',
        topic: 'pe.events',
        key: 'h1',
        headers: { type: 'E' },
        payload: { note: 'tab\there\nnewline', address: '0xfffffffffffff000' },
      },
      { messageId: 'b', topic: 'projector.applied', key: 'h2', payload: null },
    ];
    const read = readOutboxLines(7n, outboxLines(messages), 2);
    expect(read).toEqual([
      {
        id: 7n,
        position: 1,
        messageId: 'a',
        topic: 'pe.events',
        key: 'h1',
        headers: { type: 'E' },
        value: JSON.stringify(messages[0].payload),
        attempts: 2,
      },
      {
        id: 7n,
        position: 2,
        messageId: 'b',
        topic: 'projector.applied',
        key: 'h2',
        headers: {},
        value: 'null',
        attempts: 2,
      },
    ]);
    expect(JSON.parse(read[0].value)).toEqual(messages[0].payload);
  });

  it('refuse a payload that is not JSON', () => {
    expect(() => outboxLines([{ messageId: 'a', topic: 't', key: 'k', payload: () => 1 }])).toThrow(/not JSON/);
    expect(() => outboxLines([{ messageId: 'a', topic: 't', key: 'k', payload: { n: 1n } }])).toThrow();
  });
});
