// Keeps one service process running: when it dies (a crash, an exit, SIGKILL) it is started
// again after a backoff that doubles with each death in a row (1 s, 2 s, 4 s ... capped at 30 s)
// and starts over once a run has lasted a minute. Every death and restart is said on the
// console; a process that keeps dying at once is restarted for ever at the capped pace, and the
// console says how often it failed. stop() ends it for good (SIGTERM, SIGKILL after a grace).
// Plain Node: child_process and timers are all it takes.

export const DEFAULT_BACKOFF = Object.freeze({ initialMs: 1000, maxMs: 30_000, healthyAfterMs: 60_000 });

/** Deaths in a row after which the console says the process keeps dying. */
export const KEEPS_DYING_AFTER = 3;

/** The wait before the restart that follows the `failuresInARow`-th death in a row (1-based). */
export function restartDelay(failuresInARow, { initialMs, maxMs } = DEFAULT_BACKOFF) {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, failuresInARow - 1));
}

/** `850 ms`, `2 s`, `1.5 s`, `2 min 5 s`. */
export function duration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

const clock = (time) => new Date(time).toTimeString().slice(0, 8);

/**
 * Starts `spawn()` now and again whenever the process it returned dies, until stop().
 *
 * @param {object} o
 * @param {string} o.name the service, as the console names it
 * @param {() => import('node:child_process').ChildProcess} o.spawn starts one process
 * @param {(child: import('node:child_process').ChildProcess, run: number) => void} [o.onSpawn] each new process (run 1,
 * 2, ...): wire its output
 * @param {(line: string) => void} [o.log] the supervisor's own lines (deaths, restarts)
 * @param {Partial<typeof DEFAULT_BACKOFF>} [o.backoff]
 * @param {number} [o.stopGraceMs] SIGKILL this long after SIGTERM on stop (default 20 s)
 */
export function supervise({
  name,
  spawn,
  onSpawn = () => {},
  log = (line) => console.error(line),
  backoff = {},
  stopGraceMs = 20_000,
}) {
  const policy = { ...DEFAULT_BACKOFF, ...backoff };
  let child;
  let run = 0;
  let startedAt = 0;
  let inARow = 0;
  let failures = 0;
  let streakSince = 0;
  let restartTimer;
  let healthyTimer;
  let stopping = false;
  let exited = Promise.resolve();

  const start = () => {
    restartTimer = undefined;
    if (stopping) return;
    run += 1;
    startedAt = Date.now();
    const current = spawn();
    child = current;
    let settle;
    exited = new Promise((resolve) => (settle = resolve));
    let done = false;
    const onDeath = (code, signal, error) => {
      if (done) return;
      done = true;
      clearTimeout(healthyTimer);
      settle();
      if (!stopping) died(code, signal, error);
    };
    current.once('exit', (code, signal) => onDeath(code, signal));
    // A process that could not be started at all (ENOENT, EACCES) has no 'exit'.
    current.once('error', (error) => {
      if (current.pid === undefined) onDeath(null, null, error);
    });
    if (run > 1) log(`restarted (pid ${current.pid ?? '-'}), run ${run}`);
    onSpawn(current, run);
    // A minute of good health clears the streak, so the next death waits the shortest time.
    healthyTimer = setTimeout(() => {
      if (inARow > 0) log(`has run for ${duration(policy.healthyAfterMs)} since its restart: the backoff starts over`);
      inARow = 0;
    }, policy.healthyAfterMs);
    healthyTimer.unref?.();
  };

  const died = (code, signal, error) => {
    const lived = Date.now() - startedAt;
    if (lived >= policy.healthyAfterMs) inARow = 0;
    inARow += 1;
    failures += 1;
    if (inARow === 1) streakSince = startedAt;
    const delay = restartDelay(inARow, policy);
    const how = error
      ? `could not start (${error.message})`
      : signal
        ? `was killed by ${signal}`
        : `exited with code ${code}`;
    log(`${how} after ${duration(lived)}; restarting in ${duration(delay)} (at ${clock(Date.now() + delay)})`);
    if (inARow >= KEEPS_DYING_AFTER) {
      log(
        `keeps dying: ${inARow} times in a row since ${clock(streakSince)}, each run shorter than ${duration(policy.healthyAfterMs)} ` +
          `(${failures} deaths since it was first started); still restarting, every ${duration(policy.maxMs)} at most`,
      );
    }
    restartTimer = setTimeout(start, delay);
  };

  start();

  return {
    name,
    /** The process running now (or the last one, while a restart waits). */
    get child() {
      return child;
    },
    /** Deaths so far, and in a row. */
    get failures() {
      return { total: failures, inARow };
    },
    /** No more restarts; SIGTERM the process (SIGKILL after the grace) and wait for it to exit. */
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      clearTimeout(healthyTimer);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null || current.pid === undefined) return;
      const kill = setTimeout(() => current.kill('SIGKILL'), stopGraceMs);
      current.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}
