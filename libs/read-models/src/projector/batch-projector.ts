import { DataSource, EntityManager } from 'typeorm';
import { GENESIS_HASH, applyFact, hostDecisions, initialHostProjection } from '@barplane/domain';
import { Envelope, decodeEvent, isAnswer } from '@barplane/contracts';
import { qualified, runSql, writeOutbox } from '@barplane/eventstore';
import { AppliedEntry, appliedEntry, appliedMessage } from '../applied-log/applied-log';
import { readAuditHeads } from '../audit/audit.writer';
import { EventSnapshots, chainLink } from '../audit/chain-link';
import { StoredSnapshots } from '../audit/stored-snapshots';
import { decisionChanges } from '../decisions/decision-changes';
import { decisionMessage } from '../decisions/decision-message';
import { readDecisions } from '../decisions/decisions.writer';
import {
  lockHostProjections,
  readHostProjections,
  writeHostProjections,
} from '../host-projections/host-projections.writer';
import { writeHostSummaries } from '../host-summaries/host-summaries.writer';
import { ReadModelNames } from '../read-model-names';
import { BatchWrites } from './batch-writes';
import { CachedHost, HostCache } from './host-cache';
import { HostWork, summariesOf, writeTouchedDecisions } from './host-work';
import { Source } from './source';

export interface BatchItem {
  readonly envelope: Envelope;
  readonly source: Source;
}

export interface BatchResult {
  /** Envelopes applied (facts and answers), duplicates not counted. */
  readonly applied: number;
  /** Already in the inbox, or repeated within the batch. */
  readonly duplicates: number;
  /** Decision changes (= audit records written). */
  readonly changes: number;
}

export interface BatchOptions {
  /**
   * false for a rebuild: no DecisionChanged or applied-order messages, no NOTIFY of the command
   * answers (their commands were answered when first applied), and the inbox claimed alongside
   * the batch's writes instead of before it. Default true.
   */
  readonly publish?: boolean;
}

export interface BatchProjectorOptions {
  /** The inbox's consumer name. */
  readonly consumer?: string;
  /** Snapshots known stored (a rebuild's, shared by its partitions): not sent again. */
  readonly storedSnapshots?: StoredSnapshots;
}

/** A message of the batch was in the inbox already: the batch is made again after claiming. */
class SeenBefore extends Error {}

/**
 * Applies a run of envelopes (one Kafka partition batch, or a chunk of a rebuild) in one
 * transaction, with exactly the effects HostProjector.apply has when run on each in turn: the
 * inbox claims (a duplicate, in the inbox or earlier in the batch, changes nothing), each host's
 * projection folded event by event with its decisions compared after every event (so the audit
 * records, their hashes and the DecisionChanged messages are those of one-at-a-time), the
 * applied-order log in the same outbox order, and the command answers with their NOTIFYs.
 *
 * Reads and writes are set-based: a fixed dozen statements per batch whatever its size.
 * Hosts are locked (advisory, transaction-scoped, in sorted order, so that partitions consumed
 * concurrently that share a host serialise instead of deadlocking) before their rows are read.
 */
export class BatchProjector {
  /** Hosts as committed by this instance, so a batch need not read and parse them again. */
  private readonly cache = new HostCache();

  private readonly schema: string;

  private readonly consumer: string;
  private readonly storedSnapshots?: StoredSnapshots;

  constructor(
    private readonly db: DataSource,
    private readonly names: Pick<ReadModelNames, 'schema' | 'decisionsTopic' | 'appliedTopic' | 'answersChannel'>,
    options: BatchProjectorOptions = {},
  ) {
    this.schema = names.schema;
    this.consumer = options.consumer ?? 'projector';
    this.storedSnapshots = options.storedSnapshots;
  }

  applyBatch(items: readonly BatchItem[], opts: BatchOptions = {}): Promise<BatchResult> {
    const publish = opts.publish ?? true;
    // A message repeated within the batch counts once: its first occurrence, as one at a time.
    const seen = new Set<string>();
    const unique = items.filter((i) => !seen.has(i.envelope.id) && seen.add(i.envelope.id));
    if (unique.length === 0) return Promise.resolve({ applied: 0, duplicates: items.length, changes: 0 });
    if (publish) return this.transact(unique, items.length, publish, 'first');
    // A rebuild claims while the batch is made (its inbox started empty: a message seldom comes
    // twice); if one was in the inbox already, that work is rolled back and made again.
    return this.transact(unique, items.length, publish, 'alongside').catch((error: unknown) => {
      if (error instanceof SeenBefore) return this.transact(unique, items.length, publish, 'first');
      throw error;
    });
  }

  private transact(
    unique: readonly BatchItem[],
    total: number,
    publish: boolean,
    claim: 'first' | 'alongside',
  ): Promise<BatchResult> {
    let committed: Map<string, CachedHost> | undefined;
    let snapshotsWritten: Iterable<string> = [];
    return this.db
      .transaction(async (em) => {
        const { result, hosts, snapshots } = await this.run(em, unique, total, publish, claim);
        committed = hosts;
        snapshotsWritten = snapshots ?? [];
        return result;
      })
      .then(
        (result) => {
          // Only now that the transaction committed does memory follow it.
          for (const [hostId, host] of committed ?? []) this.cache.set(hostId, host);
          this.storedSnapshots?.addAll(snapshotsWritten);
          return result;
        },
        (error: unknown) => {
          for (const { envelope } of unique) this.cache.delete(envelope.hostId);
          throw error;
        },
      );
  }

  /** Forgets every host kept in memory (the next batch reads them from the database). */
  clearCache(): void {
    this.cache.clear();
  }

  private async run(
    em: EntityManager,
    unique: readonly BatchItem[],
    total: number,
    publish: boolean,
    claim: 'first' | 'alongside',
  ): Promise<{ result: BatchResult; hosts?: Map<string, CachedHost>; snapshots?: string[] }> {
    const ids = unique.map((i) => i.envelope.id);
    let work = unique;
    if (claim === 'first') {
      const claimed = await this.claim(em, ids);
      work = unique.filter((i) => claimed.has(i.envelope.id));
      if (work.length === 0) return { result: { applied: 0, duplicates: total, changes: 0 } };
    }
    const duplicates = total - work.length;
    const hostIds = [...new Set(work.filter((i) => !isAnswer(i.envelope.type)).map((i) => i.envelope.hostId))].sort();
    const hosts = await this.loadHosts(em, hostIds);

    const writes = new BatchWrites(em, this.schema, publish ? this.names.answersChannel : null, this.storedSnapshots);
    if (claim === 'alongside')
      writes.add(async () => {
        if ((await this.claim(em, ids)).size < ids.length) throw new SeenBefore();
      });
    const applied = new Map<string, AppliedEntry[]>();
    for (const { envelope: e, source } of work) {
      if (isAnswer(e.type)) {
        writes.answer(e);
        continue;
      }
      const host = hosts.get(e.hostId)!;
      host.state = applyFact(host.state, decodeEvent(e.type, e.data));
      const changes = decisionChanges(hostDecisions(host.state), host.decisions);
      const eventSnapshots = new EventSnapshots();
      for (const change of changes) {
        const next = change.next;
        host.seq += 1;
        const { record, recordJson, hash } = chainLink(e, host.seq, change, eventSnapshots.hashOf(next), host.prevHash);
        writes.record(
          { hostId: e.hostId, seq: host.seq, recordJson, prevHash: host.prevHash, hash, source },
          publish ? decisionMessage(this.names.decisionsTopic, e, record, hash) : undefined,
        );
        if (next) {
          // Held as decided: the engine's outputs are plain JSON values nobody changes, so the
          // next event's comparison and its record's `previous` serialise exactly as the row
          // one-at-a-time reads back (batch-projector.int-spec compares the two).
          host.decisions.set(change.key, {
            key: change.key,
            subject: next.subject,
            vmId: next.vmId,
            outcome: next.outcome,
            auditSeq: host.seq,
          });
        } else {
          host.decisions.delete(change.key);
        }
        host.touched.add(change.key);
        host.prevHash = hash;
      }
      for (const [hash, json] of eventSnapshots.made) writes.snapshot(hash, json);
      if (publish) {
        const entries = applied.get(e.hostId) ?? [];
        entries.push(appliedEntry(e, source));
        applied.set(e.hostId, entries);
      }
      if (e.answer) writes.answer(e.answer);
      await writes.eventDone();
    }
    writes.flush();
    let written = new Map<string, string>();
    const states = new Map([...hosts].map(([id, h]) => [id, h.state]));
    writes.add(async () => (written = await writeHostProjections(em, this.schema, states)));
    writes.add(() => writeHostSummaries(em, this.schema, summariesOf(hosts)));
    writes.add(() => writeTouchedDecisions(em, this.schema, hosts));
    // The applied-order log: one message per host of the batch, its events in the order applied.
    const log = [...applied.values()].map((entries) => appliedMessage(this.names.appliedTopic, entries));
    writes.add(() => writeOutbox(em, this.schema, log));
    await writes.settle();
    const cached = new Map<string, CachedHost>();
    for (const [hostId, host] of hosts) {
      const version = written.get(hostId);
      if (version)
        cached.set(hostId, {
          version,
          state: host.state,
          decisions: host.decisions,
          seq: host.seq,
          prevHash: host.prevHash,
        });
    }
    return {
      result: { applied: work.length, duplicates, changes: writes.records },
      hosts: cached,
      snapshots: writes.snapshotsSent,
    };
  }

  private async claim(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const { rows } = await runSql<{ message_id: string }>(
      em,
      `INSERT INTO ${qualified(this.schema, 'inbox')} (consumer, message_id) SELECT $1, id FROM unnest($2::text[]) AS id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.consumer, ids],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  private async loadHosts(em: EntityManager, hostIds: string[]): Promise<Map<string, HostWork>> {
    const hosts = new Map<string, HostWork>();
    if (hostIds.length === 0) return hosts;
    const versions = await lockHostProjections(em, this.schema, hostIds);
    const missed: string[] = [];
    for (const hostId of hostIds) {
      const cached = this.cache.get(hostId);
      if (cached && cached.version === versions.get(hostId)) {
        // A copy of the decisions: the batch changes them, and may yet roll back.
        hosts.set(hostId, {
          state: cached.state,
          decisions: new Map(cached.decisions),
          seq: cached.seq,
          prevHash: cached.prevHash,
          touched: new Set(),
        });
      } else {
        this.cache.delete(hostId);
        missed.push(hostId);
        hosts.set(hostId, {
          state: initialHostProjection(hostId),
          decisions: new Map(),
          seq: 0,
          prevHash: GENESIS_HASH,
          touched: new Set(),
        });
      }
    }
    if (missed.length === 0) return hosts;
    const states = await readHostProjections(em, this.schema, missed);
    const decisions = await readDecisions(em, this.schema, missed);
    const heads = await readAuditHeads(em, this.schema, missed);
    for (const hostId of missed) {
      const host = hosts.get(hostId)!;
      host.state = states.get(hostId) ?? host.state;
      for (const [key, d] of decisions.get(hostId) ?? []) host.decisions.set(key, d);
      host.seq = heads.get(hostId)?.seq ?? 0;
      host.prevHash = heads.get(hostId)?.hash ?? GENESIS_HASH;
    }
    return hosts;
  }
}
