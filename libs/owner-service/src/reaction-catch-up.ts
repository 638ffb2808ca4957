import type { MessagingClient } from '@barplane/messaging';

type Admin = ReturnType<MessagingClient['admin']>;

/** The admin calls a catch-up needs (a kafkajs Admin, or a fake in unit specs). */
export type CatchUpAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchOffsets' | 'fetchTopicOffsets'>;

/** A reaction's consumer group and topic, and the command types that wait for it. */
export interface AwaitedReaction {
  /** Namespaced consumer group of the reaction. */
  readonly groupId: string;
  /** Namespaced topic it consumes. */
  readonly topic: string;
  readonly commandTypes: readonly string[];
  /**
   * Commits the offsets this process's consumer of the reaction deferred (skipped messages,
   * BatchConsumerRunner.commitDeferred), so that the committed offsets looked at show them.
   */
  readonly commitDeferred?: () => Promise<void>;
}

export interface CatchUpWaitOptions {
  /** Looks at the committed offsets in all (default 50). */
  attempts: number;
  /** Pause between looks (default 100 ms). */
  intervalMs: number;
}

export const DEFAULT_CATCH_UP_WAIT: CatchUpWaitOptions = { attempts: 50, intervalMs: 100 };

/** What a command handler asks before deciding commands that need other services' events applied first. */
export interface ReactionBarrier {
  /** True when commands of this type wait for a reaction. */
  awaits(commandType: string): boolean;
  /**
   * Resolves true once every reaction the command types wait for has applied (and committed the
   * offsets of) every message its topic held when the wait began; false when the bound ran out.
   */
  wait(commandTypes: readonly string[]): Promise<boolean>;
  /** Why a command of this type was not decided when wait() gave false. */
  lagMessage(commandType: string): string;
}

/**
 * Read-your-writes across owners for the commands that need it: pe-registry decides an
 * ImportTopology only after its reaction to guest.events has applied every PeAssigned and
 * PeReleased published before the command was taken up, so a PE assigned a moment ago (the API
 * answered 201) is known to be held. The wait is on the topic's end offsets as they stood when it
 * began (not a moving target), bounded, and looks at every partition of the topic.
 */
export class ReactionCatchUp implements ReactionBarrier {
  private connected = false;

  constructor(
    private readonly admin: CatchUpAdmin,
    private readonly reactions: readonly AwaitedReaction[],
    private readonly options: CatchUpWaitOptions = DEFAULT_CATCH_UP_WAIT,
  ) {}

  async start(): Promise<void> {
    await this.admin.connect();
    this.connected = true;
  }

  async stop(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect();
  }

  awaits(commandType: string): boolean {
    return this.reactions.some((r) => r.commandTypes.includes(commandType));
  }

  async wait(commandTypes: readonly string[]): Promise<boolean> {
    const due = this.reactions.filter((r) => r.commandTypes.some((t) => commandTypes.includes(t)));
    if (due.length === 0) return true;
    if (!this.connected) return false;
    let targets: { reaction: AwaitedReaction; ends: Map<number, bigint> }[] | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        // The ends as they stand now: every message published before the command was taken up.
        targets ??= await Promise.all(
          due.map(async (reaction) => ({ reaction, ends: await this.ends(reaction.topic) })),
        );
        const behind = await Promise.all(targets.map(({ reaction, ends }) => this.behind(reaction, ends)));
        if (!behind.some(Boolean)) return true;
      } catch {
        // The broker did not answer: not known to be caught up; look again.
      }
      if (attempt >= this.options.attempts) return false;
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
  }

  lagMessage(commandType: string): string {
    const topics = this.reactions.filter((r) => r.commandTypes.includes(commandType)).map((r) => r.topic);
    return `${commandType} was not decided: the events of ${topics.join(', ')} it depends on are not all applied yet; try again`;
  }

  /** Per partition, the offset the reaction must have committed: the high watermark (or 0 for an empty partition). */
  private async ends(topic: string): Promise<Map<number, bigint>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, BigInt(p.high) > BigInt(p.low) ? BigInt(p.high) : 0n]));
  }

  private async behind(reaction: AwaitedReaction, ends: Map<number, bigint>): Promise<boolean> {
    await reaction.commitDeferred?.();
    const [committed] = await this.admin.fetchOffsets({ groupId: reaction.groupId, topics: [reaction.topic] });
    // Committed = the next offset to read; -1 when the group never committed on the partition.
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return [...ends].some(([partition, end]) => end > 0n && (done.get(partition) ?? -1n) < end);
  }
}
