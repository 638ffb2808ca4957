import type { ConsumedMessage } from './consumed-message';
import { processPartitionBatch, type BatchProcessorDeps, type PartitionBatch } from './batch-processor';

const message = (offset: number): ConsumedMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: 'h',
  value: `v${offset}`,
  headers: {},
  timestamp: '0',
});

function setup(handler: BatchProcessorDeps['handler'], stopAfterCommits = Infinity) {
  const commits: string[] = [];
  const dead: string[] = [];
  const batch: PartitionBatch = {
    topic: 't',
    partition: 0,
    messages: [10, 11, 12, 13].map(message),
    commit: async (offset) => void commits.push(offset),
    heartbeat: async () => undefined,
    shouldStop: () => commits.length >= stopAfterCommits,
  };
  const deps: BatchProcessorDeps = {
    handler,
    retry: { batchRetries: 2, messageRetries: 1, initialBackoffMs: 1, maxBackoffMs: 1, maxTransientBackoffMs: 8 },
    heartbeatIntervalMs: 1_000,
    deadLetter: async (m) => void dead.push(m.offset),
    sleep: async () => undefined,
  };
  return { batch, deps, commits, dead };
}

describe('processPartitionBatch', () => {
  it('commits the last offset once after the handler resolves', async () => {
    const { batch, deps, commits, dead } = setup(async () => undefined);
    await processPartitionBatch(batch, deps);
    expect(commits).toEqual(['13']);
    expect(dead).toEqual([]);
  });

  it('commits a batch the handler skipped later (commitLater), and at once where it cannot', async () => {
    const later: string[] = [];
    const { batch, deps, commits } = setup(async () => 'skipped');
    await processPartitionBatch({ ...batch, commitLater: (offset) => void later.push(offset) }, deps);
    expect(later).toEqual(['13']);
    expect(commits).toEqual([]);
    await processPartitionBatch(batch, deps);
    expect(commits).toEqual(['13']);
  });

  it('defers only the single messages skipped once it went one by one', async () => {
    const later: string[] = [];
    const { batch, deps, commits, dead } = setup(async (messages) => {
      if (messages.length > 1) throw new Error('poison somewhere');
      if (messages[0].offset === '12') throw new Error('poison');
      return messages[0].offset === '11' ? undefined : 'skipped';
    });
    await processPartitionBatch({ ...batch, commitLater: (offset) => void later.push(offset) }, deps);
    expect(later).toEqual(['10', '13']);
    expect(commits).toEqual(['11', '12']);
    expect(dead).toEqual(['12']);
  });

  it('retries the batch, then goes one by one and dead-letters only the poison', async () => {
    const calls: string[] = [];
    const { batch, deps, commits, dead } = setup(async (messages, ctx) => {
      calls.push(`${ctx.mode}:${ctx.attempt}:${messages.map((m) => m.offset).join(',')}`);
      if (messages.some((m) => m.offset === '12')) throw new Error('poison');
    });
    await processPartitionBatch(batch, deps);
    expect(calls).toEqual([
      'batch:1:10,11,12,13',
      'batch:2:10,11,12,13',
      'batch:3:10,11,12,13',
      'single:1:10',
      'single:1:11',
      'single:1:12',
      'single:2:12',
      'single:1:13',
    ]);
    expect(dead).toEqual(['12']);
    expect(commits).toEqual(['10', '11', '12', '13']);
  });

  it('neither retries nor dead-letters once stopping: the rest is left for redelivery', async () => {
    const { batch, deps, commits, dead } = setup(async (messages) => {
      if (messages.some((m) => m.offset === '12')) throw new Error('poison');
    }, 1);
    await processPartitionBatch(batch, deps);
    // Batch failed 3 times, first single (10) committed, then stop was seen.
    expect(commits).toEqual(['10']);
    expect(dead).toEqual([]);
  });

  it('does not mistake a commit failure for a handler failure', async () => {
    let calls = 0;
    const { batch, deps, dead } = setup(async () => void calls++);
    batch.commit = async () => {
      throw new Error('REBALANCE_IN_PROGRESS');
    };
    await expect(processPartitionBatch(batch, deps)).rejects.toThrow('REBALANCE_IN_PROGRESS');
    expect(calls).toBe(1);
    expect(dead).toEqual([]);
  });

  it('waits out a transient failure for as long as it lasts: no dead letter, nothing skipped, backoff growing to its cap', async () => {
    let outage = 40; // attempts while "PostgreSQL is down": far more than the bounded retries
    const waits: number[] = [];
    const { batch, deps, commits, dead } = setup(async () => {
      if (outage-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    deps.sleep = async (ms) => void waits.push(ms);
    await processPartitionBatch(batch, deps);
    expect(dead).toEqual([]);
    expect(commits).toEqual(['13']);
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 8]);
    expect(waits).toHaveLength(40);
  });

  it('still dead-letters a poison message that fails between transient failures', async () => {
    let calls = 0;
    const { batch, deps, dead } = setup(async (messages) => {
      calls++;
      if (calls % 2 === 0) throw withCode('57P01'); // PostgreSQL restarting, every other try
      if (messages.some((m) => m.offset === '11')) throw new Error('poison');
    });
    await processPartitionBatch(batch, deps);
    expect(dead).toEqual(['11']);
  });

  it('stops waiting when asked to stop, leaving the batch uncommitted', async () => {
    let stop = false;
    const { batch, deps, commits, dead } = setup(async () => {
      throw withCode('ECONNRESET');
    });
    batch.shouldStop = () => stop;
    let waits = 0;
    deps.sleep = async () => {
      if (++waits === 3) stop = true;
    };
    await processPartitionBatch(batch, deps);
    expect(commits).toEqual([]);
    expect(dead).toEqual([]);
  });
});

const withCode = (code: string) => Object.assign(new Error(code), { code });
