/** Outcomes of the command consumer and of reactions, for metrics. */
export interface OwnerCounters {
  /** Command envelopes handled (whatever the outcome; not counting redeliveries). */
  commands: number;
  /** Commands that appended events. */
  applied: number;
  /** Commands that changed nothing (answered CommandApplied without events). */
  noops: number;
  rejected: number;
  conflicted: number;
  /** Redelivered commands or events, already answered or applied: nothing written. */
  duplicates: number;
  /** Appends that lost a race and were retried. */
  raceRetries: number;
  /** Events appended in total (commands and reactions). */
  eventsAppended: number;
  /** Other services' events that derived commands were applied for. */
  reactions: number;
}

export function emptyOwnerCounters(): OwnerCounters {
  return {
    commands: 0,
    applied: 0,
    noops: 0,
    rejected: 0,
    conflicted: 0,
    duplicates: 0,
    raceRetries: 0,
    eventsAppended: 0,
    reactions: 0,
  };
}
