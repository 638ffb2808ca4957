import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './testing/cli-test-kit';

const version = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

describe('barplane', () => {
  it('prints its version with --version and -V (no command needed), exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(version);
    }
  });

  it('lists every command in --help', async () => {
    const run = await runCli(['--help']);
    expect(run.status).toBe(0);
    for (const name of ['plan', 'import', 'hosts', 'explain', 'assign', 'audit', 'replay'])
      expect(run.stdout).toContain(name);
  });
});
