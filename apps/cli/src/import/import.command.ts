import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { PLATFORMS } from '@barplane/domain';
import { EXIT_STATUS, exitForError, readScenario } from '@barplane/contracts';
import {
  HostBasics,
  importSysfs,
  ImportInputError,
  ImportResult,
  liveHostId,
  livePageSize,
  livePlatform,
  parsePageSize,
  parsePlatform,
  scenarioFromLspci,
  describeChanges,
  sendImport,
} from '@barplane/importers';
import { DEFAULT_API_URL } from '../api/api-client';
import { importLibvirtCommand } from './import-libvirt.command';
import { importQmpCommand } from './import-qmp.command';

export interface HostFlags {
  hostId?: string;
  platform?: string;
  pageSize?: string;
}

/**
 * Host facts from the flags, the rest from the running machine (a warning says so when the source is another
 * machine's).
 */
function hostFacts(
  flags: HostFlags,
  warnings: string[],
  fromElsewhere: string | undefined,
  hostIdFallback?: () => string | undefined,
): HostBasics {
  const taken = (what: string, value: string, flag: string) => {
    if (fromElsewhere)
      warnings.push(
        `${what} taken from this machine (${value}); give ${flag} if ${fromElsewhere} is from another host`,
      );
  };
  let platform;
  if (flags.platform !== undefined) platform = parsePlatform(flags.platform);
  else {
    platform = livePlatform();
    taken('platform', platform, '--platform');
  }
  let pageSize;
  if (flags.pageSize !== undefined) pageSize = parsePageSize(flags.pageSize);
  else {
    pageSize = livePageSize();
    taken('page size', '0x' + pageSize.toString(16), '--page-size');
  }
  let id = flags.hostId ?? hostIdFallback?.();
  if (id === undefined) {
    id = liveHostId();
    taken('host id', id, '--host-id');
  }
  if (id.trim() === '') throw new ImportInputError('the host id is empty: give --host-id');
  return { id, platform, pageSize };
}

const firstLine = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').split('\n')[0].trim() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * The scenario of a sysfs tree: the running machine's `/sys` (host facts from the machine), or a
 * copy below `root` (platform and page size must then be given). The seam for sending an import
 * to the API: it returns the scenario and prints nothing.
 */
export function sysfsScenario(opts: HostFlags & { root?: string }): ImportResult {
  const warnings: string[] = [];
  let host: HostBasics;
  if (opts.root === undefined) host = hostFacts(opts, warnings, undefined);
  else {
    const missing = [
      opts.platform === undefined ? '--platform' : '',
      opts.pageSize === undefined ? '--page-size' : '',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new ImportInputError(
        `--root reads another machine's tree: give ${missing.join(' and ')} (this machine's would be wrong)`,
      );
    }
    const root = opts.root;
    host = hostFacts(opts, warnings, `the tree below ${root}`, () => firstLine(join(root, 'etc', 'hostname')));
  }
  const result = importSysfs({ root: opts.root ?? '/', host });
  return { scenario: result.scenario, warnings: [...warnings, ...result.warnings] };
}

/** The scenario of an `lspci -vvv` capture (`-` for standard input); prints nothing. */
export function lspciScenario(file: string, opts: HostFlags): ImportResult {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new ImportInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const warnings: string[] = [];
  const host = hostFacts(opts, warnings, file === '-' ? 'the text' : file);
  const result = scenarioFromLspci(host, text);
  return { scenario: result.scenario, warnings: [...warnings, ...result.warnings] };
}

/**
 * Runs an import and writes it: the scenario JSON on `out`, warnings on `err`; returns the exit
 * status. The scenario is checked with the same reader `barplane plan` uses before it is printed.
 */
export function runImport(
  source: string,
  produce: () => ImportResult,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  const prefix = `barplane import ${source}`;
  let result: ImportResult;
  try {
    result = produce();
  } catch (error) {
    if (error instanceof ImportInputError) {
      err.write(`${prefix}: ${error.message}\n`);
      return EXIT_STATUS.invalid;
    }
    err.write(`${prefix}: ${(error as Error).stack ?? error}\n`);
    return EXIT_STATUS.failure;
  }
  for (const w of result.warnings) err.write(`${prefix}: warning: ${w}\n`);
  const json = JSON.stringify(result.scenario, null, 2) + '\n';
  const read = readScenario(json);
  if (!read.ok) {
    err.write(
      `${prefix}: the facts read do not form a valid scenario (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}):\n`,
    );
    for (const p of read.problems) err.write(`  ${p.path}: ${p.message}\n`);
    return EXIT_STATUS.invalid;
  }
  out.write(json);
  return EXIT_STATUS.ok;
}

const EXIT_HELP =
  '\nExit status: 0 imported (the scenario on stdout, warnings on stderr), 2 unreadable or invalid input (the problem on stderr, nothing on stdout), 1 anything else;' +
  ' with --send, an API refusal ends as for every API command (3 not found, 4 conflict).';

export interface SendFlags {
  send?: boolean;
  api?: string;
  token?: string;
}

/** With --send: the import goes to the API (register + topology) and the changes are printed. */
async function send(source: string, produce: () => ImportResult, flags: SendFlags): Promise<number> {
  if (!flags.token) {
    process.stderr.write(`barplane import ${source}: --send needs --token or BARPLANE_TOKEN\n`);
    return EXIT_STATUS.invalid;
  }
  let json = '';
  const sink = { write: (chunk: string) => ((json += chunk), true) } as unknown as NodeJS.WritableStream;
  const status = runImport(source, produce, sink, process.stderr);
  if (status !== EXIT_STATUS.ok) return status;
  try {
    const changes = await sendImport(flags.api ?? DEFAULT_API_URL, flags.token, JSON.parse(json));
    process.stdout.write(describeChanges(changes) + '\n');
    return EXIT_STATUS.ok;
  } catch (error) {
    process.stderr.write(`barplane import ${source}: ${(error as Error).message}\n`);
    return exitForError(undefined, (error as { status?: number }).status);
  }
}

function hostOptions(c: Command): Command {
  return c
    .addOption(
      new Option('--send', 'send it to the API (register the host, import the topology) and print what changed'),
    )
    .addOption(
      new Option('--api <url>', 'the barplane API (with --send)').env('BARPLANE_API_URL').default(DEFAULT_API_URL),
    )
    .addOption(new Option('--token <token>', 'API token of a provisioner (with --send)').env('BARPLANE_TOKEN'))
    .addOption(new Option('--host-id <id>', 'host id (default: the hostname)'))
    .addOption(
      new Option('--platform <platform>', "host platform (default: the running machine's)").choices([...PLATFORMS]),
    )
    .addOption(
      new Option('--page-size <bytes>', "host page size: 0x1000, 0x4000 or 0x10000 (default: the running machine's)"),
    );
}

export function importCommand(): Command {
  const sysfs = hostOptions(
    new Command('sysfs')
      .description(
        'read /sys/bus/pci/devices (every function, its BARs, MSI-X, IOMMU group, SR-IOV VF) into a scenario without a vm',
      )
      .addOption(
        new Option(
          '--root <dir>',
          'read <dir>/sys/bus/pci/devices instead (a copy from another host: needs --platform and --page-size)',
        ),
      ),
  )
    .addHelpText(
      'after',
      '\nRun as root: without it the kernel gives 64 bytes of config space and MSI-X is unknown (said on stderr).' +
        EXIT_HELP,
    )
    .action(async (opts: HostFlags & SendFlags & { root?: string }) => {
      const produce = () => sysfsScenario(opts);
      process.exitCode = opts.send
        ? await send('sysfs', produce, opts)
        : runImport('sysfs', produce, process.stdout, process.stderr);
    });
  const lspci = hostOptions(
    new Command('lspci')
      .description('read the text of `lspci -vvv -nn` (run as root) into a scenario without a vm')
      .argument('<file>', 'the lspci text, or - for standard input'),
  )
    .addHelpText(
      'after',
      '\nWithout root lspci prints "Capabilities: <access denied>" and MSI-X is unknown (said on stderr).' + EXIT_HELP,
    )
    .action(async (file: string, opts: HostFlags & SendFlags) => {
      const produce = () => lspciScenario(file, opts);
      process.exitCode = opts.send
        ? await send('lspci', produce, opts)
        : runImport('lspci', produce, process.stdout, process.stderr);
    });
  const cmd = new Command('import')
    .description('print the scenario (docs/scenario.md, no vm) of a real host, from sysfs or from lspci text')
    .addCommand(sysfs)
    .addCommand(lspci)
    .addCommand(importLibvirtCommand().exitOverride())
    .addCommand(importQmpCommand())
    .addHelpText('after', EXIT_HELP);
  // The program sets exitOverride on its direct commands only; these are one level down.
  for (const c of [sysfs, lspci]) c.exitOverride();
  return cmd;
}
