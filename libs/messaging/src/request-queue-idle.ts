// kafkajs 2.2.4 keeps every broker connection's request queue busy when it has nothing to do:
// RequestQueue.scheduleCheckPendingRequests arms a timer of `throttledUntil - Date.now()` ms
// even with no request pending and no throttle, a negative delay that Node runs after 1 ms, and
// the check it runs arms the next one. Each connection that ever answered a request wakes its
// process 1,000 times a second for nothing (tulios/kafkajs#1556, #1604, #1704; the fix, #1667,
// was never released). Measured here: 1,500 event-loop wakes a second and ~5 % of a core per
// idle service, about a third of what an owner that skips every guest event spends under load.

/** The part of kafkajs' internal RequestQueue this file reads and replaces. */
interface RequestQueueShape {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueueShape;

const PATCHED = Symbol.for('barplane.kafkajs.requestQueueIdle');

/** kafkajs' RequestQueue (not part of its public API: `src/` ships with the package). */
export function requestQueueClass(): RequestQueueClass {
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass;
}

/** A queue as a connection makes one, for probing the class; nothing is sent through it. */
export function idleRequestQueue(Queue: RequestQueueClass = requestQueueClass()): RequestQueueShape {
  const silent = () => undefined;
  return new Queue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'probe',
    broker: 'probe:0',
    logger: { debug: silent, info: silent, warn: silent, error: silent },
    isConnected: () => false,
  });
}

/**
 * Stops the idle loop: with nothing pending and no throttle in force there is nothing to check
 * later (a request pushed later goes out at once or schedules its own check; an answer checks
 * the queue), so no timer is armed; every other case runs kafkajs' own code. Applied only when
 * a probe shows the loop (a kafkajs that fixed it is left alone), once per process.
 */
export function stopRequestQueueIdleLoop(Queue: RequestQueueClass = requestQueueClass()): void {
  const proto = Queue.prototype as RequestQueueShape & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const probe = idleRequestQueue(Queue);
  probe.scheduleCheckPendingRequests();
  const loops = probe.throttleCheckTimeoutId !== null;
  probe.destroy();
  if (!loops) return;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueShape) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto[PATCHED] = true;
}
