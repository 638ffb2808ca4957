import { commandFromWire } from './command-codec';
import { MAX_GUEST_BARS } from './guest-bar-set.dto';

describe('ProgramGuestBars on the wire', () => {
  it('gives the domain command: canonical BDFs, bigint addresses, null kept as null', () => {
    const read = commandFromWire('ProgramGuestBars', {
      vmId: 'vm',
      bars: [
        { bdf: '1:2.3', index: 0, address: '0xfffffffffffff000' },
        { bdf: '0000:01:00.1', index: 2, address: null },
        { bdf: '0000:01:00.1', index: 4, address: 4096 },
      ],
    });
    expect(read).toEqual({
      ok: true,
      command: {
        type: 'ProgramGuestBars',
        data: {
          vmId: 'vm',
          bars: [
            { bdf: '0000:01:02.3', index: 0, address: 0xfffffffffffff000n },
            { bdf: '0000:01:00.1', index: 2, address: null },
            { bdf: '0000:01:00.1', index: 4, address: 0x1000n },
          ],
        },
      },
    });
  });

  it('names every bad entry at its path, and a missing address apart from a null one', () => {
    const read = commandFromWire(
      'ProgramGuestBars',
      {
        vmId: 'vm',
        bars: [
          { bdf: '0000:01:00.0', index: 0, address: '0x1000' },
          { bdf: 'x', index: 7, address: '-1' },
          { bdf: '0000:01:00.0', index: 1, extra: true },
          5,
        ],
      },
      '',
    );
    expect(read).toEqual({
      ok: false,
      problems: [
        { path: 'bars[1].bdf', message: '"x" is not a BDF of the form dddd:bb:dd.f' },
        { path: 'bars[1].index', message: 'must not be greater than 6' },
        { path: 'bars[1].address', message: expect.stringContaining('or null for a BAR the guest has not mapped') },
        { path: 'bars[2].extra', message: 'is not a known field' },
        { path: 'bars[2].address', message: 'is required' },
        { path: 'bars[3]', message: expect.stringContaining('must be either object or array') },
      ],
    });
    expect(commandFromWire('ProgramGuestBars', { vmId: 'vm' })).toEqual({
      ok: false,
      problems: [{ path: 'data.bars', message: 'is required' }],
    });
    expect(commandFromWire('ProgramGuestBars', { vmId: 'vm', bars: {} })).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([{ path: 'data.bars', message: 'must be an array' }]),
    });
  });

  it(`refuses more than ${MAX_GUEST_BARS} entries, naming the limit`, () => {
    const entry = { bdf: '0000:01:00.0', index: 0, address: null };
    expect(
      commandFromWire('ProgramGuestBars', { vmId: 'vm', bars: Array.from({ length: MAX_GUEST_BARS }, () => entry) }).ok,
    ).toBe(true);
    expect(
      commandFromWire('ProgramGuestBars', {
        vmId: 'vm',
        bars: Array.from({ length: MAX_GUEST_BARS + 1 }, () => entry),
      }),
    ).toEqual({
      ok: false,
      problems: [{ path: 'data.bars', message: 'holds at most 4096 entries (MAX_GUEST_BARS) in one request' }],
    });
  });
});
