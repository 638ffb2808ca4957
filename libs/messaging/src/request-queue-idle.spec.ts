import { idleRequestQueue, requestQueueClass, stopRequestQueueIdleLoop } from './request-queue-idle';

describe('stopRequestQueueIdleLoop', () => {
  const Queue = requestQueueClass();
  beforeAll(() => stopRequestQueueIdleLoop(Queue));

  const armed = (setUp: (queue: ReturnType<typeof idleRequestQueue>) => void) => {
    const queue = idleRequestQueue(Queue);
    setUp(queue);
    queue.scheduleCheckPendingRequests();
    const timer = queue.throttleCheckTimeoutId;
    queue.destroy();
    return timer !== null;
  };

  it('arms no timer when nothing is pending and no throttle is in force', () => {
    expect(armed(() => undefined)).toBe(false);
  });

  it('keeps no idle connection awake: no check runs in a second of fake time', () => {
    jest.useFakeTimers();
    try {
      const queue = idleRequestQueue(Queue);
      const check = jest.spyOn(queue as unknown as { checkPendingRequests(): void }, 'checkPendingRequests');
      queue.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(1_000);
      expect(check).not.toHaveBeenCalled();
      queue.destroy();
    } finally {
      jest.useRealTimers();
    }
  });

  it('still checks a pending request later (the throttle over or not)', () => {
    expect(armed((q) => q.pending.push({}))).toBe(true);
    expect(armed((q) => ((q.throttledUntil = Date.now() + 60_000), q.pending.push({})))).toBe(true);
  });

  it('still looks again when a throttle ends, nothing pending yet', () => {
    expect(armed((q) => (q.throttledUntil = Date.now() + 60_000))).toBe(true);
  });

  it('replaces the method once however often clients are made', () => {
    const replaced = Queue.prototype.scheduleCheckPendingRequests;
    stopRequestQueueIdleLoop(Queue);
    expect(Queue.prototype.scheduleCheckPendingRequests).toBe(replaced);
  });
});
