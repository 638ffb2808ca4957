import { EntityManager } from 'typeorm';
import { AnswerType, Envelope, answerStatusOf } from '@barplane/contracts';
import { OutboxMessage, writeOutbox } from '@barplane/eventstore';
import { AuditEntry, writeAudit, writeFactSnapshots } from '../audit/audit.writer';
import { StoredSnapshots } from '../audit/stored-snapshots';
import { CommandAnswer, writeCommandAnswers } from '../command-status/command-status.writer';
import { PendingWrites } from '../sql/pending-writes';

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

/**
 * What one batch writes as it goes, in its transaction: audit records with their fact snapshots
 * and DecisionChanged messages, and command answers, in runs sent while the batch goes on (a
 * batch of topology imports can change tens of thousands of decisions; holding all their texts
 * at once costs gigabytes). Then the batch's own last writes, and `settle`.
 */
export class BatchWrites {
  private readonly writes = new PendingWrites();
  private audit: AuditEntry[] = [];
  private snapshots = new Map<string, string>();
  private messages: OutboxMessage[] = [];
  private answers = new Map<string, CommandAnswer>();
  private sinceTurn = 0;
  /** Snapshots sent, by hash: known stored once the transaction commits. */
  readonly snapshotsSent: string[] = [];
  /** Audit records sent. */
  records = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly schema: string,
    /** Where answers are announced (NOTIFY at commit); null: announced to nobody. */
    private readonly answersChannel: string | null,
    private readonly stored?: StoredSnapshots,
  ) {}

  /** A write of the batch's own, sent after everything before it. */
  add(write: () => Promise<unknown>): void {
    this.writes.add(write);
  }

  record(entry: AuditEntry, message?: OutboxMessage): void {
    this.audit.push(entry);
    if (message) this.messages.push(message);
  }

  snapshot(hash: string, json: string): void {
    if (!this.snapshots.has(hash) && !this.stored?.has(hash)) this.snapshots.set(hash, json);
  }

  answer(a: Envelope): void {
    const commandId = String(a.data.commandId);
    this.answers.delete(commandId); // last one wins, as successive upserts (and notices) would
    this.answers.set(commandId, { hostId: a.hostId, status: answerStatusOf(a.type as AnswerType), answer: a });
    if (this.answers.size >= WRITE_RECORDS_EVERY) this.sendAnswers();
  }

  /**
   * After each event: a full run goes out, and the connection moves after a run or every
   * TURN_EVERY events (after a run at once, so that runs in flight stay bounded when one event
   * makes thousands of records, as a topology import does).
   */
  async eventDone(): Promise<void> {
    const full = this.audit.length >= WRITE_RECORDS_EVERY;
    if (full) this.sendRecords();
    if (!full && ++this.sinceTurn < TURN_EVERY) return;
    this.sinceTurn = 0;
    await this.writes.turn();
  }

  /** What is held goes out now (before the batch's last writes). */
  flush(): void {
    this.sendRecords();
    this.sendAnswers();
  }

  /** Every write answered; throws the first failure. */
  settle(): Promise<void> {
    return this.writes.settle();
  }

  private sendRecords(): void {
    const { em, schema } = this;
    const [snapshots, audit, messages] = [this.snapshots, this.audit, this.messages];
    [this.snapshots, this.audit, this.messages] = [new Map(), [], []];
    this.writes.add(() => writeFactSnapshots(em, schema, snapshots));
    this.writes.add(() => writeAudit(em, schema, audit));
    this.writes.add(() => writeOutbox(em, schema, messages));
    this.records += audit.length;
    for (const hash of snapshots.keys()) this.snapshotsSent.push(hash);
  }

  private sendAnswers(): void {
    const { em, schema, answersChannel } = this;
    const answers = this.answers;
    this.answers = new Map();
    this.writes.add(() => writeCommandAnswers(em, schema, answersChannel, answers));
  }
}
