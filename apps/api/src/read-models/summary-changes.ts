import { Injectable } from '@nestjs/common';

/**
 * Whether host summaries may have changed, known without a query: the projector's trigger
 * NOTIFYs `<schema>_summaries` at the commit of every write of host_summaries, and
 * CommandAnswersListener hears it on the connection that also hears command answers, so a
 * command answered "applied" has already moved this on. `generation` changes with every notice
 * and every new LISTEN; it is undefined while no LISTEN is in place, when readers must ask.
 */
@Injectable()
export class SummaryChanges {
  private current?: number;
  private last = 0;

  get generation(): number | undefined {
    return this.current;
  }

  /** A LISTEN is in place (again): what was kept before it may be stale. */
  listening(): void {
    this.current = ++this.last;
  }

  changed(): void {
    if (this.current !== undefined) this.current = ++this.last;
  }

  /** The connection is gone: notices may be missed until the next LISTEN. */
  lost(): void {
    this.current = undefined;
  }
}
