import type { LoadedStream } from './aggregate-stream';

/**
 * Folded stream states at a committed version, so a stream is read and folded once, not once
 * per command. Only committed snapshots go in (a snapshot at version v is the same whoever
 * folded it), and a newer one never gives way to an older one. An entry may still be behind
 * the store (another writer appended): the append's expected-version check catches that, and
 * the caller drops the entry and reads again. Least recently used entries go first.
 */
export class StreamCache<S> {
  private readonly entries = new Map<string, LoadedStream<S>>();

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  get(streamId: string): LoadedStream<S> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  /** Keeps `snapshot` unless the cache already holds a newer version of the stream. */
  offer(streamId: string, snapshot: LoadedStream<S>): void {
    const current = this.entries.get(streamId);
    if (current && current.version > snapshot.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, snapshot);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(streamIds: Iterable<string>): void {
    for (const id of streamIds) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
