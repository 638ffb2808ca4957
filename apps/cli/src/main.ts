import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS } from '@barplane/contracts';
import { planCommand } from './plan/plan.command';
import { importCommand } from './import/import.command';
import { hostsCommand } from './hosts/hosts.command';
import { explainCommand } from './explain/explain.command';
import { assignCommand } from './assign/assign.command';
import { auditCommand } from './audit/audit.command';
import { replayCommand } from './replay/replay.command';

/** The `barplane` command line. */
export function program(): Command {
  const cli = new Command('barplane')
    .description('barplane: per-BAR KVM fast path or QEMU emulation for VFIO devices, with the reasons')
    .version(packageVersion())
    .addCommand(planCommand())
    .addCommand(importCommand())
    .addCommand(hostsCommand())
    .addCommand(explainCommand())
    .addCommand(assignCommand())
    .addCommand(auditCommand())
    .addCommand(replayCommand());
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
    await program().parseAsync(argv);
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
