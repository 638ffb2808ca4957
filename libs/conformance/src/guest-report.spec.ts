import { parseConsole } from './console-transcript';
import { readGuestReport } from './guest-report';
import { POWERNV_EVENTS } from './testing/lab-fixtures';

describe('parseConsole', () => {
  it('keeps the guest lines wherever they start, and ignores the kernel and firmware', () => {
    const text = [
      '[    0.030496647,5] OPAL v7.0 starting...',
      '@@bp {"type":"boot","release":"6.12"}\r',
      '[    4.8] some kernel line@@bp {"type":"done"}',
      '@@tar ' + Buffer.from('hello ').toString('base64'),
      '@@tar ' + Buffer.from('world').toString('base64'),
      '@@bp {"type":"broken"',
    ].join('\n');
    const t = parseConsole(text);
    expect(t.events).toEqual([{ type: 'boot', release: '6.12' }, { type: 'done' }]);
    expect(t.badLines).toEqual(['{"type":"broken"']);
    expect(t.tar.toString()).toBe('hello world');
  });
});

describe('readGuestReport', () => {
  const report = readGuestReport(POWERNV_EVENTS);

  it('reads the release, the page size, the binds and whether the guest finished', () => {
    expect(report.release).toBe('6.12.95+deb12-powerpc64le-64k');
    expect(report.pageSize).toBe(0x10000n);
    expect(report.binds.map((b) => [b.bdf, b.bound])).toEqual([
      ['0000:01:00.0', true],
      ['0003:01:00.0', true],
    ]);
    expect(report.done).toBe(true);
  });

  it('reads each region with 64-bit values as bigint, CAPS implied by the caps, failed regions left out', () => {
    const nvme = report.devices.get('0000:01:00.0')!;
    expect(nvme.regions[0]).toEqual({
      index: 0,
      size: 0x4000n,
      offset: 0n,
      flags: ['READ', 'WRITE', 'MMAP'],
      caps: [{ type: 'MSIX_MAPPABLE' }],
    });
    expect(nvme.regions.map((r) => r.index)).toEqual([0, 1, 6, 7]);
  });

  it('reads the sub-page reservations as [start, end)', () => {
    expect(report.subPageReservations).toEqual([
      { start: 0x600c000004000n, end: 0x600c000010000n },
      { start: 0x600c180000010n, end: 0x600c180010000n },
    ]);
  });

  it('refuses a value the probe would never print', () => {
    expect(() =>
      readGuestReport([
        {
          type: 'device',
          bdf: 'x',
          group: '1',
          regions: [{ index: 0, size: '12', offset: 'zz', flags: [], caps: [] }],
        },
      ]),
    ).toThrow(/not a 64-bit hex value/);
  });
});
