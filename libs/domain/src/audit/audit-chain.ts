import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { AuditRecord } from './audit-record';

/** The prev_hash of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of the text's UTF-8 bytes, as lowercase hex (one-shot: a third cheaper than createHash). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

// Keys sorted by UTF-16 code units, numbers and strings as JSON.stringify writes them: for
// JSON values that is RFC 8785 byte for byte (audit-chain.spec checks it against the
// `canonicalize` reference), at about twice its speed. strict: NaN, Infinity, bigint and
// functions throw instead of turning into null or vanishing.
const jcs = configure({ strict: true, deterministic: true, bigint: false });

/** RFC 8785 (JCS) text of a JSON value: the same bytes for the same content, anywhere. */
export function canonicalJson(value: unknown): string {
  const text = jcs(value);
  if (text === undefined) throw new Error('value cannot be canonicalised as JSON');
  return text;
}

/** What a link's hash covers: prev_hash + "\n" + JCS(record), architecture.md "Audit". */
const hashedText = (prevHash: string, canonicalRecord: string) => `${prevHash}\n${canonicalRecord}`;

/** hash = hex(sha256(prev_hash + "\n" + JCS(record))). */
export function chainHash(prevHash: string, record: AuditRecord): string {
  return chainHashOfText(prevHash, canonicalJson(record));
}

/** chainHash of a record whose canonical text the caller already has (and may store). */
export function chainHashOfText(prevHash: string, canonicalRecord: string): string {
  return sha256Hex(hashedText(prevHash, canonicalRecord));
}

/**
 * The record's canonical text (to store) and its chainHash. The canonical text comes as a rope
 * of a few hundred pieces; slicing flattens the hashed text once, in place, and the record's
 * text is a view of it. A rope kept until it is written would be copied piece by piece by every
 * young collection and flattened again by the writer (together 15-20 us per record).
 */
export function chainLinkText(prevHash: string, record: AuditRecord): { readonly text: string; readonly hash: string } {
  const hashed = hashedText(prevHash, canonicalJson(record));
  return { text: hashed.slice(prevHash.length + 1), hash: sha256Hex(hashed) };
}

export interface ChainedRecord {
  readonly record: AuditRecord;
  readonly prevHash: string;
  readonly hash: string;
}

export type ChainCheck =
  | { readonly ok: true; readonly records: number }
  | {
      readonly ok: false;
      readonly records: number;
      readonly hostId: string;
      readonly seq: number;
      readonly problem: string;
    };

/** Walks one host's chain in seq order and names the first record that does not hold. */
export function verifyChain(chain: readonly ChainedRecord[]): ChainCheck {
  let prev = GENESIS_HASH;
  for (let i = 0; i < chain.length; i++) {
    const { record, prevHash, hash } = chain[i];
    const fail = (problem: string): ChainCheck => ({
      ok: false,
      records: i,
      hostId: record.hostId,
      seq: record.seq,
      problem,
    });
    if (record.seq !== i + 1)
      return fail(`seq ${record.seq} where ${i + 1} was expected (a record is missing or out of place)`);
    if (prevHash !== prev) return fail(`prev_hash does not match the hash of record ${i}`);
    if (chainHash(prevHash, record) !== hash)
      return fail('the hash does not match the record: the record or its hash was changed');
    prev = hash;
  }
  return { ok: true, records: chain.length };
}
