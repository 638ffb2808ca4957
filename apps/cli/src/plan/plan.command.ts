import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
// Deep imports: the domain's index would load every decider (~40 modules) for a plan.
import { planAnswer } from '@barplane/domain/plan/plan-answer';
import { planAnswerText } from '@barplane/domain/plan/plan-answer-text';
import { EXIT_STATUS } from '@barplane/contracts/errors/error-codes';
import { readScenarioText } from '@barplane/contracts/scenario/read-scenario-text';
import { TextSink, standardOutput } from '../format/standard-output';
import { planTable } from './plan-table';

export type PlanFormat = 'json' | 'table';

/**
 * Runs `barplane plan`; returns the exit status. Writes only through the given streams. With
 * `libvirt` (a domain XML file), the scenario is a host without `vm` and the VM is the domain's.
 */
export function runPlan(
  file: string,
  format: PlanFormat,
  out: TextSink,
  err: NodeJS.WritableStream,
  libvirt?: string,
): number {
  let text: string;
  try {
    // A buffer, then its text: faster than reading as utf8 for a file of megabytes.
    text = readFileSync(file === '-' ? 0 : file).toString('utf8');
  } catch (error) {
    err.write(`barplane plan: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT_STATUS.failure;
  }
  const read = readScenarioText(text);
  if (!read.ok) {
    err.write(
      `barplane plan: ${file} is not a valid scenario (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}):\n`,
    );
    for (const p of read.problems) err.write(`  ${p.path}: ${p.message}\n`);
    return EXIT_STATUS.invalid;
  }
  let scenario = read.scenario;
  if (libvirt !== undefined) {
    let xml: string;
    try {
      xml = readFileSync(libvirt, 'utf8');
    } catch (error) {
      err.write(`barplane plan: cannot read ${libvirt}: ${(error as Error).message}\n`);
      return EXIT_STATUS.failure;
    }
    // Loaded for a what-if only: most plans have no domain XML to read.

    const { scenarioWithLibvirtVm } = require('@barplane/importers') as typeof import('@barplane/importers');
    const withVm = scenarioWithLibvirtVm(scenario, xml, '--libvirt');
    if (!withVm.ok) {
      err.write(
        `barplane plan: ${libvirt} cannot be planned on ${file} (${withVm.problems.length} problem${withVm.problems.length === 1 ? '' : 's'}):\n`,
      );
      for (const p of withVm.problems) err.write(`  ${p.path}: ${p.message}\n`);
      return EXIT_STATUS.invalid;
    }
    for (const w of withVm.warnings) err.write(`barplane plan: warning: ${w}\n`);
    scenario = withVm.scenario;
  }
  if (format === 'table') out.write(planTable(planAnswer(scenario)));
  else {
    for (const piece of planAnswerText(scenario)) out.write(piece);
    out.write('\n');
  }
  return EXIT_STATUS.ok;
}

export function planCommand(): Command {
  return new Command('plan')
    .description(
      "decide every BAR and PE of a scenario file, with each function's VFIO regions, offline (nothing is stored)",
    )
    .argument('<scenario>', 'scenario JSON file (docs/scenario.md), or - for standard input')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .addOption(
      new Option(
        '--libvirt <domain.xml>',
        "what-if: plan the VM of this libvirt domain XML (virsh dumpxml, or not yet defined) on the scenario's host (the scenario has no vm)",
      ),
    )
    .addHelpText(
      'after',
      '\nExit status: 0 decided, 2 invalid input (every problem on stderr; a domain that gives part of a PE names the missing siblings), 1 anything else.',
    )
    .action((file: string, opts: { format: PlanFormat; libvirt?: string }) => {
      process.exitCode = runPlan(file, opts.format, standardOutput(), process.stderr, opts.libvirt);
    });
}
