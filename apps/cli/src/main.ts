import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
// Deep imports and commands loaded on use: `barplane plan` starts without the API client,
// the importers or class-validator (most of the start-up time of the whole set).
import { EXIT_STATUS } from '@barplane/contracts/errors/error-codes';

const COMMANDS: Record<string, () => Command> = {
  plan: () => (require('./plan/plan.command') as typeof import('./plan/plan.command')).planCommand(),
  import: () => (require('./import/import.command') as typeof import('./import/import.command')).importCommand(),
  hosts: () => (require('./hosts/hosts.command') as typeof import('./hosts/hosts.command')).hostsCommand(),
  explain: () => (require('./explain/explain.command') as typeof import('./explain/explain.command')).explainCommand(),
  assign: () => (require('./assign/assign.command') as typeof import('./assign/assign.command')).assignCommand(),
  audit: () => (require('./audit/audit.command') as typeof import('./audit/audit.command')).auditCommand(),
  replay: () => (require('./replay/replay.command') as typeof import('./replay/replay.command')).replayCommand(),
};

/**
 * The `barplane` command line: every command, or only `only` (the one argv names, so that a
 * command loads just its own modules; the root's help and unknown commands still see them all).
 */
export function program(only?: string): Command {
  // `--version` needs no command at all; help and unknown commands need every one.
  const names =
    only !== undefined && only in COMMANDS
      ? [only]
      : only === '--version' || only === '-V'
        ? []
        : Object.keys(COMMANDS);
  const cli = new Command('barplane')
    .description('barplane: per-BAR KVM fast path or QEMU emulation for VFIO devices, with the reasons')
    .version(packageVersion());
  for (const name of names) cli.addCommand(COMMANDS[name]());
  // addCommand does not pass exitOverride down: set it on every command so that usage
  // mistakes reach main() and get the documented status.
  for (const c of [cli, ...cli.commands]) c.exitOverride();
  return cli;
}

/** The repo's package.json sits above both the sources and dist/. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<void> {
  try {
    // parseAsync: the API commands are async; their failures must reach this handler.
    await program(argv[2]).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; a usage mistake is invalid input.
      process.exitCode = error.exitCode === 0 ? EXIT_STATUS.ok : EXIT_STATUS.invalid;
      return;
    }
    process.stderr.write(`barplane: ${(error as Error).stack ?? error}\n`);
    process.exitCode = EXIT_STATUS.failure;
  }
}

if (require.main === module) void main(process.argv);
