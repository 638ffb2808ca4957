import { DataSource, EntityManager } from 'typeorm';
import { GENESIS_HASH, applyFact, hostDecisions, initialHostProjection } from '@barplane/domain';
import { AnswerType, Envelope, answerStatusOf, decodeEvent, isAnswer } from '@barplane/contracts';
import { OutboxMessage, qualified, runSql, writeOutbox } from '@barplane/eventstore';
import { AppliedEntry, appliedEntry, appliedMessage } from '../applied-log/applied-log';
import { AuditEntry, readAuditHeads, writeAudit, writeFactSnapshots } from '../audit/audit.writer';
import { EventSnapshots, chainLink } from '../audit/chain-link';
import { StoredSnapshots } from '../audit/stored-snapshots';
import { CommandAnswer, writeCommandAnswers } from '../command-status/command-status.writer';
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
import { PendingWrites } from '../sql/pending-writes';
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
   * false for a rebuild: no DecisionChanged or applied-order messages, and no NOTIFY of the
   * command answers (their commands were answered when first applied). Default true.
   */
  readonly publish?: boolean;
}

export interface BatchProjectorOptions {
  /** The inbox's consumer name. */
  readonly consumer?: string;
  /** Snapshots known stored (a rebuild's, shared by its partitions): not sent again. */
  readonly storedSnapshots?: StoredSnapshots;
}

/**
 * Audit records (and their snapshots and DecisionChanged messages) held before they are written:
 * held longer, they outlive the young generation and pile up in the old one (one run of 60
 * topology imports, 9,600 records: peak RSS 442 MB writing every 2,000, 291 MB every 500).
 */
const WRITE_RECORDS_EVERY = 500;

/**
 * Events between the batch's turns of the event loop, where the connection takes an answer and
 * sends the next pending write (nothing moves while JavaScript runs): a few milliseconds apart.
 */
const TURN_EVERY = 32;

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
    // Claimed while the batch is made (a message seldom comes twice); if one was in the inbox
    // already, that work is rolled back and the batch made again from what the claim left.
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

    // Records and answers go out in runs within the transaction: a batch of topology imports can
    // change tens of thousands of decisions, and holding all their texts at once costs gigabytes.
    // The batch goes on while a run is written, letting the connection move every TURN_EVERY events.
    const writes = new PendingWrites();
    if (claim === 'alongside')
      writes.add(async () => {
        if ((await this.claim(em, ids)).size < ids.length) throw new SeenBefore();
      });
    let audit: AuditEntry[] = [];
    let snapshots = new Map<string, string>();
    let outbox: OutboxMessage[] = [];
    const applied = new Map<string, AppliedEntry[]>();
    let answers = new Map<string, CommandAnswer>();
    const channel = publish ? this.names.answersChannel : null;
    const sendAnswers = () => {
      const run = answers;
      answers = new Map();
      writes.add(() => writeCommandAnswers(em, this.schema, channel, run));
    };
    const answer = (a: Envelope) => {
      const commandId = String(a.data.commandId);
      answers.delete(commandId); // last one wins, as successive upserts (and notices) would
      answers.set(commandId, { hostId: a.hostId, status: answerStatusOf(a.type as AnswerType), answer: a });
      if (answers.size >= WRITE_RECORDS_EVERY) sendAnswers();
    };
    const snapshotsWritten: string[] = [];
    let audited = 0;
    const sendRecords = () => {
      const [runSnapshots, runAudit, runOutbox] = [snapshots, audit, outbox];
      [snapshots, audit, outbox] = [new Map(), [], []];
      writes.add(() => writeFactSnapshots(em, this.schema, runSnapshots));
      writes.add(() => writeAudit(em, this.schema, runAudit));
      writes.add(() => writeOutbox(em, this.schema, runOutbox));
      audited += runAudit.length;
      for (const hash of runSnapshots.keys()) snapshotsWritten.push(hash);
    };
    let sinceTurn = 0;
    for (const { envelope: e, source } of work) {
      if (isAnswer(e.type)) {
        answer(e);
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
        audit.push({ hostId: e.hostId, seq: host.seq, recordJson, prevHash: host.prevHash, hash, source });
        if (next) {
          // Held as decided: the engine's outputs are fresh plain JSON values nobody changes, so
          // the next event's comparison and its record's `previous` serialise exactly as the
          // row one-at-a-time reads back (batch-projector.int-spec compares the two).
          host.decisions.set(change.key, {
            key: change.key,
            subject: next.subject,
            vmId: next.vmId,
            outcome: next.outcome,
            auditSeq: host.seq,
            outcomeJson: JSON.stringify(next.outcome),
          });
        } else {
          host.decisions.delete(change.key);
        }
        host.touched.add(change.key);
        if (publish) outbox.push(decisionMessage(this.names.decisionsTopic, e, record, hash));
        host.prevHash = hash;
      }
      for (const [hash, json] of eventSnapshots.made)
        if (!snapshots.has(hash) && !this.storedSnapshots?.has(hash)) snapshots.set(hash, json);
      if (publish) {
        const entries = applied.get(e.hostId) ?? [];
        entries.push(appliedEntry(e, source));
        applied.set(e.hostId, entries);
      }
      if (e.answer) answer(e.answer);
      if (audit.length >= WRITE_RECORDS_EVERY) sendRecords();
      if (++sinceTurn === TURN_EVERY) {
        sinceTurn = 0;
        await writes.turn();
      }
    }
    sendRecords();
    // The applied-order log: one message per host of the batch, its events in the order applied.
    for (const entries of applied.values()) outbox.push(appliedMessage(this.names.appliedTopic, entries));

    let written = new Map<string, string>();
    const states = new Map([...hosts].map(([id, h]) => [id, h.state]));
    writes.add(async () => (written = await writeHostProjections(em, this.schema, states)));
    writes.add(() => writeHostSummaries(em, this.schema, summariesOf(hosts)));
    writes.add(() => writeTouchedDecisions(em, this.schema, hosts));
    writes.add(() => writeOutbox(em, this.schema, outbox));
    sendAnswers();
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
      result: { applied: work.length, duplicates, changes: audited },
      hosts: cached,
      snapshots: snapshotsWritten,
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
