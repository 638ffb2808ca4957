const SHARDS = 16;

/**
 * A Map kept as 16 small ones, picked by a cheap hash of the key. V8 moves a hash table of
 * more than about 4,000 entries to large-object space, where every allocation and regrowth
 * maps fresh memory: building one per plan, on a host of tens of thousands of BARs, cost more
 * than all its lookups. Sixteen shards stay regular up to about 64,000 entries.
 */
export class ShardedMap<K, V> {
  private readonly shards: Map<K, V>[] = [];

  constructor(private readonly shardOf: (key: K) => number) {
    for (let i = 0; i < SHARDS; i++) this.shards.push(new Map());
  }

  get(key: K): V | undefined {
    return this.shards[this.shardOf(key)].get(key);
  }

  has(key: K): boolean {
    return this.shards[this.shardOf(key)].has(key);
  }

  set(key: K, value: V): this {
    this.shards[this.shardOf(key)].set(key, value);
    return this;
  }

  /** Sets `key` to `value` and returns what it was: one hash of the key for both. */
  swap(key: K, value: V): V | undefined {
    const shard = this.shards[this.shardOf(key)];
    const before = shard.get(key);
    shard.set(key, value);
    return before;
  }
}

/** Shard of a non-negative integer key (a page number). */
export function integerShard(key: number): number {
  return key % SHARDS;
}

/** Shard of a string key (a BDF): FNV-1a over its UTF-16 code units. */
export function stringShard(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}
