type SignalSource = Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;

/**
 * Runs `fn` once on the first of `signals` (e.g. drain consumers, close pools), then exits 0,
 * or 1 if `fn` throws. Further signals while `fn` runs are ignored so a second Ctrl-C does not
 * cut a commit short. Returns a function that removes the listeners.
 */
export function onShutdown(
  signals: readonly NodeJS.Signals[],
  fn: (signal: NodeJS.Signals) => unknown,
  source: SignalSource = process,
): () => void {
  let started = false;
  const listener = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    Promise.resolve()
      .then(() => fn(signal))
      .then(
        () => source.exit(0),
        (error: unknown) => {
          console.error(`shutdown on ${signal} failed:`, error);
          source.exit(1);
        },
      );
  };
  // `on`, not `once`: keeping the listener stops a second signal from falling back to Node's
  // default (immediate kill) while `fn` is still draining.
  const handlers = signals.map((signal) => {
    const handler = () => listener(signal);
    source.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => handlers.forEach(([signal, handler]) => source.off(signal, handler));
}
