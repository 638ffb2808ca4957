import { DomainErrorCode, Machine, MsixRelocation, Problem, compareIds } from '@barplane/domain';
import { LibvirtDomain, LibvirtHostdev } from './libvirt-domain';

/** What the host must tell about its PEs: ids, members, and which members have an MSI-X table. */
export interface HostPes {
  readonly pes: readonly {
    readonly id: string;
    readonly functions: readonly { readonly bdf: string; readonly msix?: unknown }[];
  }[];
}

/** The VM a libvirt domain describes, in the fields of CreateVm (defaults left to the host platform). */
export interface LibvirtVmSettings {
  readonly id: string;
  readonly uuid?: string;
  readonly machine?: Machine;
  readonly noMmap: boolean;
  readonly msixRelocation: MsixRelocation;
}

export interface LibvirtPeAssignment {
  readonly peId: string;
  /** Every member of the PE, each with its hostdev's QEMU id. */
  readonly functions: readonly Pick<LibvirtHostdev, 'bdf' | 'alias' | 'aliasPredicted' | 'managed'>[];
}

export type LibvirtVmRead =
  | {
      readonly ok: true;
      readonly vm: LibvirtVmSettings;
      readonly assignments: readonly LibvirtPeAssignment[];
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: DomainErrorCode;
      readonly message: string;
      readonly problems: readonly Problem[];
    };

/**
 * The VM and the PEs it would hold on a host: each hostdev's function found among the host's
 * PEs, every PE touched given whole (a hostdev set that covers part of a PE is a CONFLICT
 * naming the missing siblings), unknown functions NOT_FOUND, and the per-device QEMU
 * properties folded into the VM's one choice (domain.md: a VM applies one MSI-X relocation
 * and one x-no-mmap to every assigned function), refused as VALIDATION where devices differ.
 */
export function libvirtVm(domain: LibvirtDomain, host: HostPes): LibvirtVmRead {
  const peOf = new Map<string, { id: string; members: string[]; msix: Set<string> }>();
  for (const pe of host.pes) {
    const entry = {
      id: pe.id,
      members: pe.functions.map((f) => f.bdf).sort(compareIds),
      msix: new Set(pe.functions.filter((f) => f.msix).map((f) => f.bdf)),
    };
    for (const f of pe.functions) peOf.set(f.bdf, entry);
  }
  const validation: Problem[] = [];
  const notFound: Problem[] = [];
  const conflicts: Problem[] = [];

  const byPe = new Map<string, LibvirtHostdev[]>();
  for (const h of domain.hostdevs) {
    const pe = peOf.get(h.bdf);
    if (!pe) {
      notFound.push({ path: `${h.at}/source/address`, message: `${h.bdf} is not a function of any PE of this host` });
      continue;
    }
    byPe.set(pe.id, [...(byPe.get(pe.id) ?? []), h]);
  }
  for (const [peId, given] of byPe) {
    const pe = peOf.get(given[0].bdf)!;
    const have = new Set(given.map((h) => h.bdf));
    const missing = pe.members.filter((bdf) => !have.has(bdf));
    if (missing.length > 0) {
      conflicts.push({
        path: `${given[0].at}/source/address`,
        message: `PE "${peId}" goes to a VM whole: its function${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in this domain (give every function of the PE, or none)`,
      });
    }
  }

  // One relocation for the VM: what the functions with an MSI-X table ask for (unset is off).
  const withMsix = domain.hostdevs.filter((h) => peOf.get(h.bdf)?.msix.has(h.bdf));
  const relocation = agree(withMsix.length > 0 ? withMsix : domain.hostdevs, (h) => h.msixRelocation?.value ?? 'off');
  if (relocation.values.size > 1) {
    validation.push({
      path: '/domain/devices',
      message: `the hostdevs ask for different MSI-X relocations (${relocation.describe}); barplane applies one to the whole VM`,
    });
  }
  const noMmap = agree(domain.hostdevs, (h) => String(h.noMmap?.value ?? false));
  if (noMmap.values.size > 1) {
    validation.push({
      path: '/domain/devices',
      message: `x-no-mmap is set on some hostdevs only (${noMmap.describe}); barplane applies it to the whole VM`,
    });
  }

  const fail = (code: DomainErrorCode, what: string, problems: Problem[]): LibvirtVmRead => ({
    ok: false,
    code,
    message: `${what}: ${problems.map((p) => p.message).join('; ')}`,
    problems,
  });
  if (validation.length > 0)
    return fail('VALIDATION', `domain "${domain.name}" cannot be planned as one VM`, validation);
  if (notFound.length > 0)
    return fail('NOT_FOUND', `domain "${domain.name}" names functions the host does not have`, notFound);
  if (conflicts.length > 0) return fail('CONFLICT', `domain "${domain.name}" gives part of a PE`, conflicts);

  const assignments: LibvirtPeAssignment[] = [...byPe.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([peId, given]) => ({
      peId,
      functions: [...given]
        .sort((a, b) => compareIds(a.bdf, b.bdf))
        .map(({ bdf, alias, aliasPredicted, managed }) => ({ bdf, alias, aliasPredicted, managed })),
    }));
  const warnings = domain.hostdevs
    .filter((h) => !h.managed)
    .map(
      (h) =>
        `${h.alias} (${h.bdf}) is managed='no': bind it to vfio-pci before the domain starts (barplane's assignment binds it)`,
    );
  const relocated = [...relocation.values][0] as MsixRelocation | undefined;
  return {
    ok: true,
    vm: {
      id: domain.name,
      ...(domain.uuid ? { uuid: domain.uuid } : {}),
      ...(domain.machine ? { machine: domain.machine } : {}),
      noMmap: [...noMmap.values][0] === 'true',
      msixRelocation: relocated ?? 'off',
    },
    assignments,
    warnings,
  };
}

function agree(hostdevs: readonly LibvirtHostdev[], value: (h: LibvirtHostdev) => string) {
  const values = new Map<string, string[]>();
  for (const h of hostdevs) values.set(value(h), [...(values.get(value(h)) ?? []), h.alias]);
  const describe = [...values].map(([v, aliases]) => `${v}: ${aliases.join(', ')}`).join('; ');
  return { values: new Set(values.keys()), describe };
}
