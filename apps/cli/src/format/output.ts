import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { CliFailure } from '../api/api-client';

export type OutputFormat = 'table' | 'json';

/** Plain and compact (as `plan --format table`): the same bytes on a terminal, in a pipe and in a test. */
export const TABLE_STYLE = { head: [] as string[], border: [] as string[], compact: true };

export function table(head: string[]): Table.Table {
  return new Table({ style: TABLE_STYLE, head });
}

/** `--format table|json`: table for people (the default), json for scripts (64-bit values as "0x..." strings). */
export function formatOption(): Option {
  return new Option('--format <format>', 'table for people, json for scripts (64-bit values as "0x..." strings)')
    .choices(['table', 'json'])
    .default('table');
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** 0.4375 -> "43.8%". */
export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** "0x40000" -> "256K" (sizes for people; JSON keeps the hex string). */
export function bytes(hex: string | undefined): string {
  if (!hex) return '-';
  const n = BigInt(hex);
  const units: [bigint, string][] = [
    [1n << 40n, 'T'],
    [1n << 30n, 'G'],
    [1n << 20n, 'M'],
    [1n << 10n, 'K'],
  ];
  for (const [u, name] of units) if (n >= u && n % u === 0n) return `${n / u}${name}`;
  for (const [u, name] of units) if (n >= u) return `${(Number((n * 10n) / u) / 10).toFixed(1)}${name}`;
  return `${n}B`;
}

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export const STDIO: Io = { out: process.stdout, err: process.stderr };

/**
 * Runs a command body: its result is the exit status; a CliFailure is printed (with the API's
 * problems, one per line) and ends with its status; anything else is a failure. Never rejects,
 * so main()'s synchronous parse is enough.
 */
export async function runCommand(name: string, body: () => Promise<ExitStatus>, io: Io = STDIO): Promise<void> {
  let status: ExitStatus;
  try {
    status = await body();
  } catch (error) {
    if (error instanceof CliFailure) {
      io.err.write(`barplane ${name}: ${error.message}\n`);
      for (const p of error.body?.problems ?? []) io.err.write(`  ${p.path ? p.path + ': ' : ''}${p.message}\n`);
      status = error.exitStatus;
    } else {
      io.err.write(`barplane ${name}: ${(error as Error).stack ?? error}\n`);
      status = EXIT_STATUS.failure;
    }
  }
  process.exitCode = status;
}

/** Commander throws on usage mistakes only with exitOverride; set it on a command and its subcommands. */
export function overrideExits(command: Command): Command {
  command.exitOverride();
  for (const c of command.commands) overrideExits(c);
  return command;
}
