import { Command } from 'commander';
import { ExitStatus } from '@barplane/contracts';
import { formatOption, runCommand } from '../format/output';
import { withApiOptions } from './api-client';

/**
 * An operator command that calls the API: `--format`, `--api`, `--token`, the exit status table,
 * and `run` given commander's action arguments (its arguments, then the options) under
 * runCommand (a CliFailure becomes its message and exit status).
 */
export function apiCommand<A extends unknown[]>(
  name: string,
  description: string,
  run: (...args: A) => Promise<ExitStatus>,
): Command {
  return withApiOptions(new Command(name).description(description).addOption(formatOption())).action(
    (...args: unknown[]) => runCommand(name, () => run(...(args as A))),
  );
}
