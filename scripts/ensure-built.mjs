// Builds dist/ when it is missing or older than any source file, for the scripts that load
// the compiled libraries (bench, conformance).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './ensure-installed.mjs';

export function ensureBuilt(who) {
  const isSource = (p) => p.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(p) && !p.includes('/testing/');
  const newestSource = Math.max(...['libs', 'apps'].flatMap((d) => files(join(root, d), isSource)).map(mtime));
  const built = files(join(root, 'dist'), (p) => p.endsWith('.js'));
  const oldestBuilt = built.length ? Math.min(...built.map(mtime)) : 0;
  if (oldestBuilt >= newestSource) return;
  console.log(`${who}: dist/ is missing or stale; building`);
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${who}: build failed`);
}

function files(dir, keep) {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .filter(keep);
}

function mtime(p) {
  return statSync(p).mtimeMs;
}
