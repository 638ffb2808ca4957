import { GuestBarsBody, GuestBarsFromQmp } from './guest-bars-body';
import { QmpClient } from './qmp-client';

/** Events after which the guest's PCI devices may have changed. */
export const PCI_CHANGE_EVENTS = ['DEVICE_ADDED', 'DEVICE_DELETED'] as const;

export interface WatchOptions {
  /** One reading of the VM (liveGuestBars bound to its arguments). */
  readonly read: (client: QmpClient) => Promise<GuestBarsFromQmp>;
  /** Called with each body that differs from the one before (the first one included). */
  readonly changed: (body: GuestBarsBody, warnings: readonly string[]) => Promise<void>;
  /** Re-read at least this often: firmware and guest drivers move BARs without any QMP event. */
  readonly intervalMs: number;
  /** Aborting ends the watch. */
  readonly signal?: AbortSignal;
  /** A reading or a send that failed; the watch goes on. */
  readonly onError?: (error: Error) => void;
}

/**
 * Watches one VM over its QMP connection: reads now, again on DEVICE_ADDED or DEVICE_DELETED
 * and every `intervalMs`, and hands on a body only when it changed. Resolves when the
 * connection closes (QEMU quit) or the signal aborts.
 */
export async function watchGuestBars(client: QmpClient, opts: WatchOptions): Promise<void> {
  let last: string | undefined;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  const once = async () => {
    try {
      const result = await opts.read(client);
      const key = JSON.stringify(result.body);
      if (key === last) return;
      await opts.changed(result.body, result.warnings);
      // Only a body that was handed on counts: a failed send is tried again next time.
      last = key;
    } catch (error) {
      opts.onError?.(error as Error);
    }
  };
  // One reading at a time; a trigger during one runs one more afterwards.
  const trigger = () => {
    if (again) return;
    again = true;
    running = running.then(() => {
      again = false;
      return once();
    });
  };
  const off = client.onEvent((e) => {
    if ((PCI_CHANGE_EVENTS as readonly string[]).includes(e.event)) trigger();
  });
  trigger();
  const timer = setInterval(trigger, opts.intervalMs);
  try {
    await Promise.race([
      client.closed,
      new Promise<void>((resolve) =>
        opts.signal?.aborted ? resolve() : opts.signal?.addEventListener('abort', () => resolve()),
      ),
    ]);
  } finally {
    clearInterval(timer);
    off();
    await running;
  }
}
