import { HostWire } from './fleet-wire';
import { compareHosts, offenderScore } from './fleet-ranking';

const hostWith = (id: string, total: number, fastPath: number, byteShare: number | null) =>
  ({ id, coverage: { bars: { total, fastPath, byMode: {} }, byteShare } }) as unknown as HostWire;

describe('fleet ranking', () => {
  it('puts the host with the lowest byte share first and hosts with nothing assigned last', () => {
    const hosts = [
      hostWith('idle', 0, 0, null),
      hostWith('good', 4, 4, 1),
      hostWith('bad', 4, 1, 0.1),
      hostWith('mid', 4, 3, 0.5),
    ];
    expect([...hosts].sort(compareHosts).map((h) => h.id)).toEqual(['bad', 'mid', 'good', 'idle']);
  });

  it('weighs an unbindable BAR over any number of emulated ones, and an idle PE below all', () => {
    expect(offenderScore({ vmId: 'v', byMode: { UNAVAILABLE: 1 } })).toBeGreaterThan(
      offenderScore({ vmId: 'v', byMode: { EMULATED: 9 } }),
    );
    expect(offenderScore({ vmId: null, byMode: { EMULATED: 9 } })).toBe(-1);
  });
});
