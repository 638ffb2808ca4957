import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { planAnswer, planToJson } from '@barplane/domain';
import { readScenario } from '@barplane/contracts';
import { EXIT } from '../exit-code';
import { planTable } from './plan-table';

export type PlanFormat = 'json' | 'table';

/** Runs `barplane plan`; returns the exit status. Writes only through the given streams. */
export function runPlan(file: string, format: PlanFormat, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    err.write(`barplane plan: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
  const read = readScenario(text);
  if (!read.ok) {
    err.write(`barplane plan: ${file} is not a valid scenario (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}):\n`);
    for (const p of read.problems) err.write(`  ${p.path}: ${p.message}\n`);
    return EXIT.invalid;
  }
  const plan = planAnswer(read.scenario);
  out.write(format === 'table' ? planTable(plan) : JSON.stringify(planToJson(plan), null, 2) + '\n');
  return EXIT.ok;
}

export function planCommand(): Command {
  return new Command('plan')
    .description('decide every BAR and PE of a scenario file, with each function\'s VFIO regions, offline (nothing is stored)')
    .argument('<scenario>', 'scenario JSON file (docs/scenario.md), or - for standard input')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .addHelpText('after', '\nExit status: 0 decided, 2 invalid input (every problem on stderr), 1 anything else.')
    .action((file: string, opts: { format: PlanFormat }) => {
      process.exitCode = runPlan(file, opts.format, process.stdout, process.stderr);
    });
}
