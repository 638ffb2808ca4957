/**
 * A process part with start() and stop() that each run once however often they are called
 * (shutdown hooks, crash handlers and tests may all call stop). stop() first lets a start in
 * flight settle, failed or not, so it never tears down what is still being set up.
 */
export abstract class StartsOnce {
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= (this.starting ?? Promise.resolve()).catch(() => undefined).then(() => this.stopOnce());
    return this.stopping;
  }

  protected abstract startOnce(): Promise<void>;
  protected abstract stopOnce(): Promise<void>;
}
