// Compiles apps/ and libs/ to dist/ (tsc, then tsc-alias rewrites @barplane/* imports to
// relative paths so plain `node` runs the output). Runs on `npm ci` (prepare) so that
// `npx barplane` works straight after installing.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

// The scenario's shape check compiled ahead of time (ajv standalone code), so that `barplane
// plan` reads a valid scenario without loading class-validator (libs/contracts shape-check-code.ts).
const validation = join(root, 'dist', 'libs', 'contracts', 'src', 'validation');
const { scenarioShapeModule } = createRequire(import.meta.url)(join(validation, 'shape-check-code.js'));
writeFileSync(join(validation, 'scenario-shape.generated.js'), scenarioShapeModule());
