import type { BatchContext, BatchHandler, BatchResult } from './batch-handler';
import type { ConsumedMessage } from './consumed-message';

interface Gathering {
  readonly messages: ConsumedMessage[];
  readonly context: BatchContext;
  readonly settle: { resolve: (result: BatchResult) => void; reject: (error: unknown) => void }[];
}

/**
 * Group commit for partition batches: the first tries of batches that arrive together (kafkajs
 * hands out the partitions of one fetch to concurrent workers) go to the handler as one call,
 * so they share one database transaction and its round trips instead of taking one each. Each
 * partition's messages keep their order, and each caller's offsets are committed only once the
 * shared call resolved (each caller hears its result). A retry runs alone, so one partition's
 * poison message never sends another partition's messages to the dead-letter topic.
 */
export class BatchCombiner {
  private gathering?: Gathering;

  constructor(private readonly handler: BatchHandler) {}

  readonly handle: BatchHandler = (messages, context) => {
    if (context.mode !== 'batch' || context.attempt !== 1) return this.handler(messages, context);
    return new Promise<BatchResult>((resolve, reject) => {
      if (!this.gathering) {
        this.gathering = { messages: [], context, settle: [] };
        // After the microtasks of this turn: the other workers of the fetch join by then.
        setImmediate(() => void this.flush());
      }
      this.gathering.messages.push(...messages);
      this.gathering.settle.push({ resolve, reject });
    });
  };

  private async flush(): Promise<void> {
    const { messages, context, settle } = this.gathering!;
    this.gathering = undefined;
    try {
      // Skipped as a whole means skipped in every part: each caller may defer its commit.
      const result = await this.handler(messages, context);
      for (const s of settle) s.resolve(result);
    } catch (error) {
      for (const s of settle) s.reject(error);
    }
  }
}
