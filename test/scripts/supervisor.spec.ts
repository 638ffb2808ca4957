import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The supervisor of `npm start` (scripts/control-plane/supervisor.mjs) on a fake service that
// dies as told: run as a child process, as npm start runs it, with short backoffs.
jest.setTimeout(30_000);

const driver = join(__dirname, 'fixtures', 'supervise-fake.mjs');

interface Event {
  event: 'start' | 'exit' | 'stopped';
  run: number;
  pid: number;
  at: number;
}

interface Supervised {
  process: ChildProcess;
  lines: string[];
  events(): Event[];
  waitFor(what: string, predicate: () => boolean): Promise<void>;
  /** SIGTERM the supervisor; resolves with its exit code. */
  stop(): Promise<number | null>;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
// A test that fails before its stop() leaves its supervisor (and the fake it runs) behind,
// which kept jest from exiting: ended here, as stop() ends it.
const supervisors: ChildProcess[] = [];
afterEach(() => {
  for (const child of supervisors.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

function superviseFake(plan: string, backoff: Record<string, number>): Supervised {
  const dir = mkdtempSync(join(tmpdir(), 'barplane-supervisor-'));
  dirs.push(dir);
  const state = join(dir, 'state.jsonl');
  const child = spawn(process.execPath, [driver], {
    env: { ...process.env, FAKE_STATE: state, FAKE_PLAN: plan, SUPERVISOR_BACKOFF: JSON.stringify(backoff) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  supervisors.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const events = () =>
    existsSync(state)
      ? readFileSync(state, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Event)
      : [];
  return {
    process: child,
    lines,
    events,
    async waitFor(what, predicate) {
      const deadline = Date.now() + 20_000;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; supervisor said:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const announcedDelays = (lines: string[]) =>
  lines.flatMap((l) => /restarting in (\d+) ms/.exec(l)?.slice(1).map(Number) ?? []);
const starts = (events: Event[]) => events.filter((e) => e.event === 'start');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start supervisor: a service that dies is restarted with backoff', () => {
  it('restarts a dying service with growing delays, capped; names the exit code or signal; says it keeps dying; stop ends it', async () => {
    const s = superviseFake('exit:3,exit:3,kill,exit:3,stay', { initialMs: 100, maxMs: 400, healthyAfterMs: 60_000 });
    await s.waitFor('the fifth run', () => starts(s.events()).length === 5);

    const deaths = s.lines.filter((l) => l.includes('restarting in'));
    expect(deaths).toEqual([
      expect.stringMatching(/^\[fake\] exited with code 3 after \d+ ms; restarting in 100 ms \(at \d\d:\d\d:\d\d\)$/),
      expect.stringMatching(/^\[fake\] exited with code 3 after .*; restarting in 200 ms/),
      expect.stringMatching(/^\[fake\] was killed by SIGKILL after .*; restarting in 400 ms/),
      expect.stringMatching(/^\[fake\] exited with code 3 after .*; restarting in 400 ms/),
    ]);
    expect(announcedDelays(s.lines)).toEqual([100, 200, 400, 400]);
    // The third death in a row and after: said plainly, with the count.
    expect(s.lines.filter((l) => l.includes('keeps dying'))).toEqual([
      expect.stringMatching(
        /^\[fake\] keeps dying: 3 times in a row since \d\d:\d\d:\d\d, each run shorter than 1 min \(3 deaths since it was first started\); still restarting, every 400 ms at most$/,
      ),
      expect.stringMatching(/^\[fake\] keeps dying: 4 times in a row .*\(4 deaths since it was first started\)/),
    ]);
    expect(s.lines.filter((l) => l.includes('restarted (pid'))).toHaveLength(4);

    // Each restart waited at least its announced delay after the death before it.
    const events = s.events();
    const exits = events.filter((e) => e.event === 'exit');
    const runs = starts(events);
    expect(exits.map((e) => e.run)).toEqual([1, 2, 3, 4]);
    exits.forEach((death, i) => expect(runs[i + 1].at - death.at).toBeGreaterThanOrEqual(announcedDelays(s.lines)[i]));

    const living = runs[4];
    expect(alive(living.pid)).toBe(true);
    expect(await s.stop()).toBe(0);
    expect(s.lines).toContain('supervisor stopped');
    // The service was asked to stop (SIGTERM), is gone, and nothing started after it.
    expect(
      s
        .events()
        .filter((e) => e.event === 'stopped')
        .map((e) => e.run),
    ).toEqual([5]);
    expect(alive(living.pid)).toBe(false);
    expect(starts(s.events())).toHaveLength(5);
  });

  // The quick runs must end well inside the healthy time, start-up included: 200 ms was once
  // not enough for a node process to start and exit on a busy machine (the backoff started over).
  it('starts the backoff over after a run that lasted the healthy time', async () => {
    const s = superviseFake('exit:1,exit:1,live:1500,stay', { initialMs: 100, maxMs: 10_000, healthyAfterMs: 1000 });
    await s.waitFor('the fourth run', () => starts(s.events()).length === 4);
    expect(announcedDelays(s.lines)).toEqual([100, 200, 100]);
    expect(s.lines).toContain('[fake] has run for 1 s since its restart: the backoff starts over');
    expect(s.lines.some((l) => l.includes('keeps dying'))).toBe(false);
    expect(await s.stop()).toBe(0);
  });

  it('stops while a restart is pending: no further start', async () => {
    const s = superviseFake('exit:1', { initialMs: 60_000, maxMs: 60_000, healthyAfterMs: 60_000 });
    await s.waitFor('the first death', () => s.lines.some((l) => l.includes('restarting in 1 min')));
    expect(await s.stop()).toBe(0);
    expect(starts(s.events())).toHaveLength(1);
  });
});
