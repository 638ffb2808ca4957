import { AppliedEntry } from '../applied-log/applied-log';

/** Where one entry of the applied-order log points: a fact message, and a check of its event id. */
export interface AppliedPointer {
  /** The topic as the projector names it (no namespace): `pe.events`. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly idHash: number;
}

/** 32-bit FNV-1a of an event id: enough to see that an offset holds the event the log names. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}

const lane = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * The applied-order log of the projector, held compactly for a rebuild: per entry a topic
 * number, partition, offset and id hash (17 bytes), and per topic-partition the applied offsets
 * sorted (8 bytes each), so that 1,000,000 applied events take about 25 MB and no envelope.
 */
export class AppliedIndex {
  private readonly topics: string[] = [];
  private readonly topicNo = new Map<string, number>();
  private count = 0;
  private topicOf = new Uint8Array(1024);
  private partitionOf = new Int32Array(1024);
  private offsetOf = new BigInt64Array(1024);
  private idHashOf = new Int32Array(1024);
  private readonly sorted = new Map<string, BigInt64Array>();
  /** Offsets the log names that turned out to hold another event: replayed as never applied. */
  private readonly unmarked = new Set<string>();

  get size(): number {
    return this.count;
  }

  add(entry: AppliedEntry): void {
    let topic = this.topicNo.get(entry.topic);
    if (topic === undefined) {
      topic = this.topics.push(entry.topic) - 1;
      if (topic > 255) throw new Error('the applied-order log names more than 256 topics');
      this.topicNo.set(entry.topic, topic);
    }
    if (this.count === this.topicOf.length) this.grow();
    this.topicOf[this.count] = topic;
    this.partitionOf[this.count] = entry.partition;
    this.offsetOf[this.count] = BigInt(entry.offset);
    this.idHashOf[this.count] = idHash(entry.eventId);
    this.count++;
  }

  /** Sorts each topic-partition's offsets; call once every entry is added. */
  seal(): void {
    const counts = new Map<string, number>();
    for (let i = 0; i < this.count; i++) {
      const k = lane(this.topics[this.topicOf[i]], this.partitionOf[i]);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const fill = new Map<string, number>();
    for (const [k, n] of counts) {
      this.sorted.set(k, new BigInt64Array(n));
      fill.set(k, 0);
    }
    for (let i = 0; i < this.count; i++) {
      const k = lane(this.topics[this.topicOf[i]], this.partitionOf[i]);
      const at = fill.get(k)!;
      this.sorted.get(k)![at] = this.offsetOf[i];
      fill.set(k, at + 1);
    }
    for (const [k, offsets] of this.sorted) this.sorted.set(k, dedupe(offsets.sort()));
  }

  /** The fact partition entry `i` points into (cheap: no pointer made). */
  partitionAt(i: number): number {
    return this.partitionOf[i];
  }

  at(i: number): AppliedPointer {
    return {
      topic: this.topics[this.topicOf[i]],
      partition: this.partitionOf[i],
      offset: this.offsetOf[i],
      idHash: this.idHashOf[i],
    };
  }

  isApplied(topic: string, partition: number, offset: bigint): boolean {
    const offsets = this.sorted.get(lane(topic, partition));
    if (!offsets) return false;
    const i = lowerBound(offsets, offset);
    return i < offsets.length && offsets[i] === offset && !this.isUnmarked(topic, partition, offset);
  }

  unmark(topic: string, partition: number, offset: bigint): void {
    this.unmarked.add(`${lane(topic, partition)}@${offset}`);
  }

  private isUnmarked(topic: string, partition: number, offset: bigint): boolean {
    return this.unmarked.size > 0 && this.unmarked.has(`${lane(topic, partition)}@${offset}`);
  }

  /** The first and last applied offset of a topic-partition, if any. */
  span(topic: string, partition: number): { first: bigint; last: bigint } | undefined {
    const offsets = this.sorted.get(lane(topic, partition));
    return offsets?.length ? { first: offsets[0], last: offsets[offsets.length - 1] } : undefined;
  }

  /** The first offset in `[low, high)` not applied, or `high` when every one was. */
  firstUnapplied(topic: string, partition: number, low: bigint, high: bigint): bigint {
    const offsets = this.sorted.get(lane(topic, partition));
    let next = low;
    if (!offsets) return next;
    for (let i = lowerBound(offsets, low); i < offsets.length && next < high; i++, next++)
      if (offsets[i] !== next || this.isUnmarked(topic, partition, next)) return next;
    return next < high ? next : high;
  }

  private grow(): void {
    const n = this.topicOf.length * 2;
    const topicOf = new Uint8Array(n);
    const partitionOf = new Int32Array(n);
    const offsetOf = new BigInt64Array(n);
    const idHashOf = new Int32Array(n);
    topicOf.set(this.topicOf);
    partitionOf.set(this.partitionOf);
    offsetOf.set(this.offsetOf);
    idHashOf.set(this.idHashOf);
    [this.topicOf, this.partitionOf, this.offsetOf, this.idHashOf] = [topicOf, partitionOf, offsetOf, idHashOf];
  }
}

function lowerBound(sorted: BigInt64Array, x: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dedupe(sorted: BigInt64Array): BigInt64Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  return sorted.subarray(0, n);
}
