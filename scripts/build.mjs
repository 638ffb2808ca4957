// Compiles apps/ and libs/ to dist/ (tsc, then tsc-alias rewrites @barplane/* imports to
// relative paths so plain `node` runs the output). Runs on `npm ci` (prepare) so that
// `npx barplane` works straight after installing.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!existsSync(bin('tsc'))) {
  // `npm ci --omit=dev` or a partial install: nothing to build with, keep what is there.
  console.warn('build: typescript is not installed; skipping');
  process.exit(0);
}
rmSync(join(root, 'dist'), { recursive: true, force: true });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
