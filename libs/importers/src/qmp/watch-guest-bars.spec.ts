import { GuestBarsBody } from './guest-bars-body';
import { QmpClient, QmpEvent } from './qmp-client';
import { watchGuestBars } from './watch-guest-bars';

/** A stand-in for the connection: events on demand, closed when the test says. */
function fakeClient() {
  const listeners = new Set<(e: QmpEvent) => void>();
  let close!: () => void;
  const closed = new Promise<void>((r) => (close = r));
  const client = {
    closed,
    onEvent: (l: (e: QmpEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
  } as unknown as QmpClient;
  return { client, emit: (event: string) => listeners.forEach((l) => l({ event })), close };
}

const body = (address: string | null): GuestBarsBody => ({
  vmId: 'vm',
  bars: [{ bdf: '0000:01:00.0', index: 0, address }],
});
const settle = () => new Promise((r) => setTimeout(r, 20));

/** Lets the watch start, emits `events` one at a time (each settling), closes the connection, awaits the watch. */
async function emitThenClose(fake: ReturnType<typeof fakeClient>, done: Promise<void>, ...events: string[]) {
  await settle();
  for (const event of events) {
    fake.emit(event);
    await settle();
  }
  fake.close();
  await done;
}

describe('watchGuestBars', () => {
  it('hands on the first body, re-reads on DEVICE_DELETED, and passes on only what changed', async () => {
    const fake = fakeClient();
    const readings = [body(null), body(null), body('0x80000000')];
    let reads = 0;
    const sent: GuestBarsBody[] = [];
    const done = watchGuestBars(fake.client, {
      read: async () => ({ body: readings[Math.min(reads++, 2)], warnings: [] }),
      changed: async (b) => void sent.push(b),
      intervalMs: 60_000,
    });
    // RESET is not a PCI change: no reading.
    await emitThenClose(fake, done, 'DEVICE_DELETED', 'RESET', 'DEVICE_ADDED');
    expect(reads).toBe(3);
    expect(sent).toEqual([body(null), body('0x80000000')]);
  });

  it('tries a body again after a failed send', async () => {
    const fake = fakeClient();
    let attempts = 0;
    const errors: string[] = [];
    const done = watchGuestBars(fake.client, {
      read: async () => ({ body: body('0x1000'), warnings: [] }),
      changed: async () => {
        if (++attempts === 1) throw new Error('API down');
      },
      intervalMs: 60_000,
      onError: (e) => errors.push(e.message),
    });
    await emitThenClose(fake, done, 'DEVICE_DELETED');
    expect(attempts).toBe(2);
    expect(errors).toEqual(['API down']);
  });
});
