import fc from 'fast-check';
import { ShardedMap, integerShard, stringShard } from './sharded-map';

// A ShardedMap answers as one Map given the same operations, for both kinds of key it serves.
type Op<K> = { key: K; value: number; swap: boolean };

function sameAsMap<K>(shardOf: (key: K) => number, ops: Op<K>[], probes: K[]) {
  const sharded = new ShardedMap<K, number>(shardOf);
  const plain = new Map<K, number>();
  for (const { key, value, swap } of ops) {
    if (swap) expect(sharded.swap(key, value)).toBe(plain.get(key));
    else sharded.set(key, value);
    plain.set(key, value);
  }
  for (const key of [...probes, ...ops.map((o) => o.key)]) {
    expect(sharded.get(key)).toBe(plain.get(key));
    expect(sharded.has(key)).toBe(plain.has(key));
  }
}

describe('ShardedMap', () => {
  it('keyed by page numbers', () => {
    const page = fc.oneof(fc.nat(100), fc.integer({ min: 0, max: 2 ** 52 - 1 }));
    const op = fc.record({ key: page, value: fc.integer(), swap: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.array(page), (ops, probes) =>
        sameAsMap(integerShard, ops, probes),
      ),
    );
  });

  it('keyed by BDFs (and any other string)', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0000:00:00.0', '0000:01:00.1', 'ffff:ff:1f.7'));
    const op = fc.record({ key, value: fc.integer(), swap: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.array(key), (ops, probes) =>
        sameAsMap(stringShard, ops, probes),
      ),
    );
  });

  it('shards stay in range', () => {
    fc.assert(fc.property(fc.string(), (s) => expect(stringShard(s)).toBeLessThan(16)));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (n) => expect(integerShard(n)).toBeLessThan(16)));
  });
});
