import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BarplaneError, EXIT_STATUS, exitForError } from '@barplane/contracts';
import { Problem, idProblem } from '@barplane/domain';
import {
  GuestBarsBody,
  ImportSendError,
  QdevMapping,
  QmpClient,
  guestBarsFromQueryPci,
  liveGuestBars,
  mergeMappings,
  parseMapOptions,
  parseQmpJson,
  qdevMappingsFromLibvirt,
  readQueryPci,
  sendGuestBars,
  watchGuestBars,
} from '@barplane/importers';
import { DEFAULT_API_URL } from '../api/api-client';
import { exitStatusHelp } from '../api/exit-status';

interface QmpFlags {
  socket?: string;
  file?: string;
  vm?: string;
  map: string[];
  libvirt?: string;
  send?: boolean;
  api?: string;
  token?: string;
  watch?: boolean;
  interval: string;
}

const PREFIX = 'barplane import qmp';

/** Bad input: every problem, then exit 2 (nothing on stdout, nothing sent). */
class Invalid extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super('invalid input');
  }
}

/** The flags checked together, and the mappings given on the command line or in a libvirt XML. */
function checkFlags(f: QmpFlags): { given: QdevMapping[][]; intervalMs: number } {
  const problems: Problem[] = [];
  if ((f.socket === undefined) === (f.file === undefined))
    problems.push({
      path: '--socket|--file',
      message: 'give exactly one: a live QMP socket or a saved query-pci answer',
    });
  if (f.vm === undefined) problems.push({ path: '--vm', message: 'required: the VM the guest BARs belong to' });
  else {
    const p = idProblem(f.vm);
    if (p) problems.push({ path: '--vm', message: p });
  }
  if (f.watch && f.file !== undefined)
    problems.push({ path: '--watch', message: 'needs --socket: a file does not change' });
  if (f.send && !f.token)
    problems.push({ path: '--token', message: "--send needs --token or BARPLANE_TOKEN (a provisioner's)" });
  const seconds = Number(f.interval);
  if (!Number.isFinite(seconds) || seconds <= 0)
    problems.push({ path: '--interval', message: `"${f.interval}" is not a positive number of seconds` });
  const map = parseMapOptions(f.map);
  problems.push(...map.problems);
  let libvirt: QdevMapping[] = [];
  if (f.libvirt !== undefined) {
    let xml: string | undefined;
    try {
      xml = readFileSync(f.libvirt, 'utf8');
    } catch (error) {
      problems.push({ path: '--libvirt', message: `cannot read ${f.libvirt}: ${(error as Error).message}` });
    }
    if (xml !== undefined) {
      const read = qdevMappingsFromLibvirt(xml);
      problems.push(...read.problems.map((p) => ({ path: `--libvirt ${p.path}`, message: p.message })));
      for (const w of read.warnings) process.stderr.write(`${PREFIX}: warning: ${f.libvirt}: ${w}\n`);
      libvirt = read.mappings;
    }
  }
  if (problems.length > 0) throw new Invalid(problems);
  // --map is the operator's word: it wins over the libvirt XML, which wins over QEMU's own.
  return { given: [libvirt, map.mappings], intervalMs: seconds * 1000 };
}

/** The body of a saved query-pci answer (`--file`); every problem of the file is bad input. */
function fromFile(
  file: string,
  vmId: string,
  given: QdevMapping[][],
): { body: GuestBarsBody; warnings: readonly string[] } {
  let value: unknown;
  try {
    value = parseQmpJson(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Invalid([{ path: file, message: `not a readable JSON file: ${(error as Error).message}` }]);
  }
  const read = readQueryPci(value);
  if (!read.ok) throw new Invalid(read.problems);
  const merged = mergeMappings(...given);
  if (merged.problems.length > 0) throw new Invalid(merged.problems);
  const result = guestBarsFromQueryPci(vmId, read.devices, merged.map);
  return { body: result.body, warnings: [...merged.warnings, ...result.warnings] };
}

const summary = (body: GuestBarsBody) => {
  const unmapped = body.bars.filter((b) => b.address === null).length;
  return `${body.bars.length} guest BAR${body.bars.length === 1 ? '' : 's'} of ${new Set(body.bars.map((b) => b.bdf)).size} function(s), ${unmapped} not mapped by the guest`;
};

/** Prints the body, or sends it and prints one line; answers the exit status. */
async function deliver(body: GuestBarsBody, warnings: readonly string[], f: QmpFlags): Promise<number> {
  for (const w of warnings) process.stderr.write(`${PREFIX}: warning: ${w}\n`);
  if (!f.send) {
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT_STATUS.ok;
  }
  try {
    const sent = await sendGuestBars(f.api ?? DEFAULT_API_URL, f.token!, body);
    const outcome =
      sent.status === 202
        ? `accepted, outcome pending (${String(sent.body.statusUrl ?? sent.body.commandId ?? '')})`
        : 'applied';
    process.stdout.write(`${body.vmId}: ${summary(body)}: ${outcome}\n`);
    return EXIT_STATUS.ok;
  } catch (error) {
    process.stderr.write(`${PREFIX}: ${(error as Error).message}\n`);
    return error instanceof ImportSendError && error.status !== undefined
      ? exitForError(undefined, error.status)
      : EXIT_STATUS.failure;
  }
}

async function run(f: QmpFlags): Promise<number> {
  const { given, intervalMs } = checkFlags(f);
  const vmId = f.vm!;
  if (f.file !== undefined) {
    const { body, warnings } = fromFile(f.file, vmId, given);
    return deliver(body, warnings, f);
  }
  let client: QmpClient;
  try {
    client = await QmpClient.connect(f.socket!);
  } catch (error) {
    process.stderr.write(`${PREFIX}: cannot talk QMP on ${f.socket}: ${(error as Error).message}\n`);
    return EXIT_STATUS.failure;
  }
  try {
    if (!f.watch) {
      const { body, warnings } = await liveGuestBars(client, vmId, given);
      return await deliver(body, warnings, f);
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    let status: number = EXIT_STATUS.ok;
    await watchGuestBars(client, {
      read: (c) => liveGuestBars(c, vmId, given),
      changed: async (body, warnings) => {
        status = await deliver(body, warnings, f);
        if (status !== EXIT_STATUS.ok) throw new Error('not delivered; tried again at the next reading');
      },
      intervalMs,
      signal: stop.signal,
      onError: (e) => {
        if (e instanceof BarplaneError && e.code === 'VALIDATION')
          process.stderr.write(
            `${PREFIX}: ${e.message}: ${e.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}\n`,
          );
        else if (!e.message.startsWith('not delivered')) process.stderr.write(`${PREFIX}: ${e.message}\n`);
      },
    });
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    return status;
  } catch (error) {
    if (error instanceof BarplaneError && error.code === 'VALIDATION') throw new Invalid(error.problems);
    throw error;
  } finally {
    client.close();
  }
}

export function importQmpCommand(): Command {
  const cmd = new Command('qmp')
    .description(
      "read a running VM's guest BAR addresses from QEMU (QMP query-pci) as the body of PUT /v1/vms/{vm}/guest-bars: { vmId, bars: [{ bdf, index, address|null }] } with host BDFs",
    )
    .addOption(
      new Option(
        '--socket <path>',
        "the VM's QMP unix socket (-qmp unix:PATH,server=on): host functions of vfio-pci devices come from qom-get",
      ),
    )
    .addOption(
      new Option(
        '--file <query-pci.json>',
        'a saved query-pci answer instead (its return value, or the whole { "return": ... })',
      ),
    )
    .addOption(new Option('--vm <id>', 'the VM id in barplane'))
    .addOption(
      new Option(
        '--map <QDEV_ID=BDF...>',
        'the host function of a device id (repeatable); wins over --libvirt and qom-get',
      )
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([]),
    )
    .addOption(
      new Option(
        '--libvirt <domain.xml>',
        'take the mapping from a libvirt domain XML (hostdev alias -> source address)',
      ),
    )
    .addOption(new Option('--send', 'send it to the API (one all-or-nothing ProgramGuestBars) and print what was sent'))
    .addOption(
      new Option('--api <url>', 'the barplane API (with --send)').env('BARPLANE_API_URL').default(DEFAULT_API_URL),
    )
    .addOption(new Option('--token <token>', 'API token of a provisioner (with --send)').env('BARPLANE_TOKEN'))
    .addOption(
      new Option(
        '--watch',
        're-read on DEVICE_ADDED and DEVICE_DELETED and every --interval; print or send only what changed, until QEMU quits or Ctrl-C',
      ),
    )
    .addOption(
      new Option(
        '--interval <seconds>',
        'with --watch: re-read at least this often (firmware and guest drivers move BARs without an event)',
      ).default('10'),
    )
    .addHelpText(
      'after',
      '\nMemory BARs 0..5 only: I/O BARs and the ROM are never mapped into the guest. A BAR QEMU reports at -1 (not decoded) is null.' +
        '\nDevices without a host function (no qom-get host, no --map, no libvirt alias) are left out with a warning on stderr.' +
        exitStatusHelp({
          2: 'invalid input or usage: every problem on stderr as `path: message`, nothing on stdout, nothing sent; HTTP 400',
        }),
    )
    .action(async (f: QmpFlags) => {
      try {
        process.exitCode = await run(f);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        for (const p of error.problems) process.stderr.write(`${PREFIX}: ${p.path}: ${p.message}\n`);
        process.exitCode = EXIT_STATUS.invalid;
      }
    });
  // The program sets exitOverride on its direct commands only; this one is a level down.
  cmd.exitOverride();
  return cmd;
}
