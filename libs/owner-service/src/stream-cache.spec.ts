import { StreamCache } from './stream-cache';

describe('StreamCache', () => {
  it('keeps the newest committed snapshot of a stream', () => {
    const cache = new StreamCache<string>();
    cache.offer('s', { version: 3n, state: 'three' });
    cache.offer('s', { version: 2n, state: 'two' });
    expect(cache.get('s')).toEqual({ version: 3n, state: 'three' });
    cache.offer('s', { version: 4n, state: 'four' });
    expect(cache.get('s')).toEqual({ version: 4n, state: 'four' });
    cache.drop(['s']);
    expect(cache.get('s')).toBeUndefined();
  });

  it('evicts the least recently used stream beyond its capacity', () => {
    const cache = new StreamCache<number>(2);
    cache.offer('a', { version: 1n, state: 1 });
    cache.offer('b', { version: 1n, state: 2 });
    cache.get('a');
    cache.offer('c', { version: 1n, state: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.state).toBe(1);
    expect(cache.get('c')?.state).toBe(3);
    expect(cache.size).toBe(2);
  });
});
