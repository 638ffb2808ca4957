import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { EXIT_STATUS, exitForError, ExitStatus, readScenario } from '@barplane/contracts';
import {
  HostPes,
  LibvirtDomain,
  LibvirtPeAssignment,
  LibvirtVmRead,
  LibvirtVmSettings,
  libvirtVm,
  parseLibvirtDomain,
} from '@barplane/importers';
import { ApiClient, CliFailure, DEFAULT_API_URL, seg } from '../api/api-client';
import { exitStatusHelp } from '../api/exit-status';
import { Io, STDIO, json } from '../format/output';

export interface LibvirtImportFlags {
  hostId: string;
  scenario?: string;
  send?: boolean;
  api?: string;
  token?: string;
}

const NAME = 'barplane import libvirt';

/** The CreateVm body of POST /v1/vms (docs/api.md): what the domain says, the rest left to the host's defaults. */
function createVmBody(vm: LibvirtVmSettings, hostId: string) {
  return {
    id: vm.id,
    hostId,
    ...(vm.machine ? { machine: vm.machine } : {}),
    noMmap: vm.noMmap,
    msixRelocation: vm.msixRelocation,
  };
}

const described = (a: LibvirtPeAssignment) =>
  a.functions.map((f) => `${f.bdf} (${f.alias}${f.aliasPredicted ? ', predicted' : ''})`).join(', ');

/** Prints why the domain cannot go onto the host as a whole; the exit status follows the error code. */
function refuse(read: Extract<LibvirtVmRead, { ok: false }>, io: Io): ExitStatus {
  io.err.write(
    `${NAME}: ${read.code === 'CONFLICT' ? 'a PE goes to a VM whole, with all its functions' : read.message.split(':')[0]}:\n`,
  );
  for (const p of read.problems) io.err.write(`  ${p.path}: ${p.message}\n`);
  return exitForError(read.code);
}

function readDomain(file: string, io: Io): { domain: LibvirtDomain } | { status: ExitStatus } {
  let xml: string;
  try {
    xml = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    io.err.write(`${NAME}: cannot read ${file}: ${(error as Error).message}\n`);
    return { status: EXIT_STATUS.invalid };
  }
  const read = parseLibvirtDomain(xml);
  if (!read.ok) {
    io.err.write(
      `${NAME}: ${file} is not a domain barplane can read (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}):\n`,
    );
    for (const p of read.problems) io.err.write(`  ${p.path}: ${p.message}\n`);
    return { status: EXIT_STATUS.invalid };
  }
  for (const w of read.warnings) io.err.write(`${NAME}: warning: ${w}\n`);
  return { domain: read.domain };
}

/**
 * Without --send: the commands it would send, as JSON (POST /v1/vms, then one POST
 * /v1/vms/{vm}/assignments per PE). With `--scenario` (the host as `barplane import` printed it)
 * the PEs are checked whole offline; without it each hostdev is named by its BDF.
 */
export function runImportLibvirt(file: string, flags: LibvirtImportFlags, io: Io = STDIO): ExitStatus {
  const got = readDomain(file, io);
  if ('status' in got) return got.status;
  const { domain } = got;
  const assignmentsPath = `/v1/vms/${seg(domain.name)}/assignments`;
  const commands: { method: string; path: string; body: unknown; functions: { bdf: string; qmpId: string }[] }[] = [];
  let vm: LibvirtVmSettings;
  if (flags.scenario !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.scenario, 'utf8');
    } catch (error) {
      io.err.write(`${NAME}: cannot read ${flags.scenario}: ${(error as Error).message}\n`);
      return EXIT_STATUS.invalid;
    }
    const host = readScenario(text);
    if (!host.ok) {
      io.err.write(`${NAME}: ${flags.scenario} is not a valid scenario:\n`);
      for (const p of host.problems) io.err.write(`  ${p.path}: ${p.message}\n`);
      return EXIT_STATUS.invalid;
    }
    const placed = libvirtVm(domain, host.scenario);
    if (!placed.ok) return refuse(placed, io);
    for (const w of placed.warnings) io.err.write(`${NAME}: warning: ${w}\n`);
    vm = placed.vm;
    for (const a of placed.assignments)
      commands.push({
        method: 'POST',
        path: assignmentsPath,
        body: { peId: a.peId },
        functions: a.functions.map((f) => ({ bdf: f.bdf, qmpId: f.alias })),
      });
  } else {
    const placed = libvirtVm(domain, { pes: domain.hostdevs.map((h) => ({ id: h.bdf, functions: [{ bdf: h.bdf }] })) });
    if (!placed.ok) return refuse(placed, io);
    vm = placed.vm;
    io.err.write(
      `${NAME}: warning: without --scenario or --send the host's PEs are unknown: each hostdev is named by its BDF (the API assigns its whole PE); --send checks every PE is given whole first\n`,
    );
    for (const h of domain.hostdevs)
      commands.push({
        method: 'POST',
        path: assignmentsPath,
        body: { bdf: h.bdf },
        functions: [{ bdf: h.bdf, qmpId: h.alias }],
      });
  }
  io.out.write(
    json({
      domain: {
        name: domain.name,
        ...(domain.uuid ? { uuid: domain.uuid } : {}),
        ...(domain.machineType ? { machineType: domain.machineType } : {}),
      },
      commands: [{ method: 'POST', path: '/v1/vms', body: createVmBody(vm, flags.hostId) }, ...commands],
    }),
  );
  return EXIT_STATUS.ok;
}

interface CommandAnswer {
  correlationId: string;
  status: 'applied' | 'pending';
  statusUrl?: string;
}

/**
 * With --send: reads the host's PEs from the API, checks each is given whole, creates the VM and assigns each PE, one
 * line per step.
 */
export async function sendImportLibvirt(file: string, flags: LibvirtImportFlags, io: Io = STDIO): Promise<ExitStatus> {
  const got = readDomain(file, io);
  if ('status' in got) return got.status;
  const api = ApiClient.from(flags);
  const pes = await api.get<HostPes['pes']>(`/v1/hosts/${seg(flags.hostId)}/pes`);
  const placed = libvirtVm(got.domain, { pes });
  if (!placed.ok) return refuse(placed, io);
  for (const w of placed.warnings) io.err.write(`${NAME}: warning: ${w}\n`);
  const pending = (what: string, a: CommandAnswer) => {
    io.err.write(
      `${NAME}: ${what}: accepted, but the outcome is not known yet; see ${a.statusUrl} (correlation ${a.correlationId})\n`,
    );
    return EXIT_STATUS.failure;
  };
  const created = await api.json<CommandAnswer>('POST', '/v1/vms', createVmBody(placed.vm, flags.hostId));
  if (created.body.status === 'pending') return pending(`VM ${placed.vm.id}`, created.body);
  io.out.write(
    `created VM ${placed.vm.id} on host ${flags.hostId} (machine ${placed.vm.machine ?? "the host's default"}, msixRelocation ${placed.vm.msixRelocation}, noMmap ${placed.vm.noMmap}) (correlation ${created.body.correlationId})\n`,
  );
  for (const a of placed.assignments) {
    const assigned = await api.json<CommandAnswer>('POST', `/v1/vms/${seg(placed.vm.id)}/assignments`, {
      peId: a.peId,
    });
    if (assigned.body.status === 'pending') return pending(`PE ${a.peId}`, assigned.body);
    io.out.write(
      `assigned PE ${a.peId} to VM ${placed.vm.id}: ${described(a)} (correlation ${assigned.body.correlationId})\n`,
    );
  }
  return EXIT_STATUS.ok;
}

export function importLibvirtCommand(): Command {
  return new Command('libvirt')
    .description(
      'a libvirt domain XML (virsh dumpxml) as the VM and PE assignments it describes: print the commands, or --send them',
    )
    .argument('<domain.xml>', 'the domain XML, or - for standard input')
    .requiredOption('--host-id <id>', 'the host the domain runs on')
    .addOption(
      new Option(
        '--scenario <file>',
        "the host's scenario (barplane import sysfs): check every PE is given whole, without the API",
      ),
    )
    .addOption(
      new Option('--send', "create the VM and assign each PE through the API (reads the host's PEs from it first)"),
    )
    .addOption(
      new Option('--api <url>', 'the barplane API (with --send)').env('BARPLANE_API_URL').default(DEFAULT_API_URL),
    )
    .addOption(new Option('--token <token>', 'API token of a provisioner (with --send)').env('BARPLANE_TOKEN'))
    .addHelpText(
      'after',
      exitStatusHelp({
        0: 'ok: the commands on stdout (JSON), or with --send one line per command applied',
        2: 'invalid input: the XML cannot be read (every problem at its XPath), overrides that differ between hostdevs, HTTP 400',
        3: 'not found: a hostdev names a function the host does not have, or the host is unknown',
        4: 'conflict: the hostdevs cover part of a PE (the missing siblings are named), or HTTP 409',
      }),
    )
    .action(async (file: string, opts: LibvirtImportFlags) => {
      try {
        process.exitCode = opts.send ? await sendImportLibvirt(file, opts) : runImportLibvirt(file, opts);
      } catch (error) {
        if (!(error instanceof CliFailure)) throw error;
        process.stderr.write(`${NAME}: ${error.message}\n`);
        for (const p of error.body?.problems ?? [])
          process.stderr.write(`  ${p.path ? p.path + ': ' : ''}${p.message}\n`);
        process.exitCode = error.exitStatus;
      }
    });
}
