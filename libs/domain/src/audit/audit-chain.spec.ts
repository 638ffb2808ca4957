import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { scenarioToJson } from '../scenario/scenario-json';
import { scenarioArbitrary } from '../testing/scenario-arbitrary';
import { GENESIS_HASH, canonicalJson, chainHash, chainLinkText, verifyChain } from './audit-chain';
import { scenarioCanonicalJson, scenarioSnapshot } from './audit-facts';
import { AuditRecord } from './audit-record';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('canonicalJson', () => {
  it('is RFC 8785 byte for byte: the same text as the canonicalize reference for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units, integer-like keys included, and writes numbers as ECMAScript does', () => {
    const value = {
      b: 1,
      a: [1e21, 0.1, -0, 5e-7],
      '10': true,
      '2': null,
      é: 'x',
      '\u{1F600}': 'y',
      z: { y: 'q"\n', x: undefined },
    };
    expect(canonicalJson(value)).toBe(
      '{"10":true,"2":null,"a":[1e+21,0.1,0,5e-7],"b":1,"z":{"y":"q\\"\\n"},"é":"x","\u{1F600}":"y"}',
    );
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses what JSON cannot hold instead of writing something else', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow();
    expect(() => canonicalJson({ n: Infinity })).toThrow();
    expect(() => canonicalJson({ n: 1n })).toThrow();
    expect(() => canonicalJson(undefined)).toThrow();
  });
});

describe('scenario snapshots', () => {
  it('are the canonical text of the scenario wire form and its SHA-256, also from cached host and PE texts', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const reference = canonicalize(scenarioToJson(scenario));
        expect(scenarioCanonicalJson(scenario)).toBe(reference);
        // Second time round the host and PE texts come from the cache.
        expect(scenarioSnapshot(scenario)).toEqual({ hash: sha256(reference!), json: reference });
        // Another VM on the same host and PEs: the cached parts, the VM's own text.
        const other = { ...scenario, vm: undefined };
        expect(scenarioCanonicalJson(other)).toBe(canonicalize(scenarioToJson(other)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('hash chain', () => {
  const record = (seq: number, outcome: string): AuditRecord => ({
    hostId: 'p9',
    seq,
    subject: { kind: 'bar', pe: '0000:01', bdf: '0000:01:00.0', index: 0 },
    vmId: 'vm1',
    outcome: { mode: outcome },
    previous: null,
    facts: { scenarioSha256: 'f'.repeat(64) },
    ruleSet: 'barplane-rules/2',
    causes: ['e1'],
    correlationId: 'c1',
    principal: 'operator:test',
  });

  it('hashes prev_hash, a newline and the JCS of the record', () => {
    const r = record(1, 'direct');
    expect(chainHash(GENESIS_HASH, r)).toBe(sha256(`${GENESIS_HASH}\n${canonicalize(r)}`));
  });

  it('gives a record its stored text and hash at once: the JCS text and the same chain hash', () => {
    const r = record(2, 'emulated');
    const prev = chainHash(GENESIS_HASH, record(1, 'direct'));
    expect(chainLinkText(prev, r)).toEqual({ text: canonicalize(r), hash: chainHash(prev, r) });
  });

  it('verifies a chain and names the first record that was changed', () => {
    const first = record(1, 'direct');
    const h1 = chainHash(GENESIS_HASH, first);
    const second = record(2, 'emulated');
    const h2 = chainHash(h1, second);
    const chain = [
      { record: first, prevHash: GENESIS_HASH, hash: h1 },
      { record: second, prevHash: h1, hash: h2 },
    ];
    expect(verifyChain(chain)).toEqual({ ok: true, records: 2 });
    const tampered = [chain[0], { ...chain[1], record: record(2, 'direct') }];
    expect(verifyChain(tampered)).toMatchObject({
      ok: false,
      seq: 2,
      problem: expect.stringContaining('hash does not match'),
    });
  });
});
