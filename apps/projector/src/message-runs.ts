/**
 * Splits a batch of messages into runs of at most `maxBytes` of values (a run always takes at
 * least one message), in order. The projector applies each run in its own transaction: one
 * fetch of topology imports can change tens of thousands of decisions, and a transaction holds
 * in memory what it writes, about half a megabyte per host of such a batch.
 */
export function* messageRuns<M extends { value: string }>(messages: readonly M[], maxBytes: number): Generator<M[]> {
  let run: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (run.length > 0 && bytes + m.value.length > maxBytes) {
      yield run;
      run = [];
      bytes = 0;
    }
    run.push(m);
    bytes += m.value.length;
  }
  if (run.length > 0) yield run;
}
