import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliRun, repoRoot } from './run-cli';

const bin = join(repoRoot, 'bin', 'barplane.js');
const builtMain = join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0,
    );
  }
  return newest;
}

/** Builds dist/ (scripts/build.mjs) unless it is newer than every source of the CLI and the projector. */
export function ensureBuilt(): void {
  const sources = Math.max(
    newestSource(join(repoRoot, 'apps', 'cli', 'src')),
    newestSource(join(repoRoot, 'apps', 'projector', 'src')),
  );
  if (existsSync(builtMain) && statSync(builtMain).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'pipe' });
}

function spawnOnce(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the control plane answering the CLI runs in this very process.
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Runs `barplane` as a child process with the given environment on top of a clean one (no
 * BARPLANE_* leaking in from the shell). Another engineer's concurrent build can remove dist/
 * for a moment: a run that finds the CLI not built is retried once, after a pause.
 */
export async function barplaneAsync(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BARPLANE_')));
  const full = { ...base, ...env, NO_COLOR: '1' };
  const run = await spawnOnce(args, full);
  const transient = run.stderr.includes('not built yet') || /Cannot find module .*dist/.test(run.stderr);
  if (!transient) return run;
  await new Promise((r) => setTimeout(r, 15_000));
  if (!existsSync(builtMain)) ensureBuilt();
  return spawnOnce(args, full);
}
