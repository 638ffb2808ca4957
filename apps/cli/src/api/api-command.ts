import { Command } from 'commander';
import { formatOption } from '../format/output';
import { withApiOptions } from './api-client';

/**
 * An operator command that calls the API: its name and description, `--format`, `--api`, `--token`, the exit status
 * table.
 */
export function apiCommand(name: string, description: string): Command {
  return withApiOptions(new Command(name).description(description).addOption(formatOption()));
}
