import { initialHostProjection } from '@barplane/domain';
import { CachedHost, HostCache } from './host-cache';

const host = (decisions: number): CachedHost => ({
  version: 'v',
  state: initialHostProjection('h'),
  decisions: new Map(Array.from({ length: decisions }, (_, i) => [`k${i}`, {} as never])),
  seq: 0,
  prevHash: '',
});

describe('HostCache', () => {
  it('drops the least recently used host past the host limit', () => {
    const cache = new HostCache({ hosts: 2, decisions: 100 });
    cache.set('a', host(1));
    cache.set('b', host(1));
    cache.get('a');
    cache.set('a', host(1)); // used again: now the most recent
    cache.set('c', host(1));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
  });

  it('drops hosts until their decisions fit, but always keeps the one just set', () => {
    const cache = new HostCache({ hosts: 10, decisions: 5 });
    cache.set('a', host(3));
    cache.set('b', host(2));
    cache.set('c', host(2));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([false, true, true]);
    cache.set('big', host(50));
    expect(cache.size).toBe(1);
    cache.delete('big');
    cache.set('d', host(5));
    expect(cache.size).toBe(1);
  });
});
