import { Problem, Scenario, Vm, defaultMachine, defaultMsixEmulation, scenarioProblems } from '@barplane/domain';
import { LibvirtDomain } from './libvirt-domain';
import { libvirtVm } from './libvirt-vm';
import { parseLibvirtDomain } from './parse-libvirt-domain';

export type LibvirtScenarioRead =
  | {
      readonly ok: true;
      readonly scenario: Scenario;
      readonly domain: LibvirtDomain;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** `field` + an XPath inside the XML: `libvirtXml/domain/devices/hostdev[2]/source/address`. */
const under = (field: string, problems: readonly Problem[]): Problem[] =>
  problems.map((p) => ({ path: `${field}${p.path === '/' ? '' : p.path}`, message: p.message }));

/**
 * What-if for provisioning: the scenario of a host (no `vm`) plus the VM a libvirt domain XML
 * would be on it, before the domain is defined. The hostdevs become the VM's PEs (whole, or
 * every problem names the missing siblings), the machine and qemu overrides its settings; guest
 * BAR addresses are unknown until the guest runs, so the guest side of each BAR is PENDING.
 * Problems are paths below `field` (the body field or the CLI flag that carried the XML).
 */
export function scenarioWithLibvirtVm(host: Scenario, xml: string, field = 'libvirtXml'): LibvirtScenarioRead {
  if (host.vm) return { ok: false, problems: [{ path: 'vm', message: `give either a vm or ${field}, not both` }] };
  const read = parseLibvirtDomain(xml);
  if (!read.ok) return { ok: false, problems: under(field, read.problems) };
  const placed = libvirtVm(read.domain, host);
  if (!placed.ok) return { ok: false, problems: under(field, placed.problems) };
  const machine = placed.vm.machine ?? defaultMachine(host.host.platform);
  const vm: Vm = {
    id: placed.vm.id,
    machine,
    msixEmulation: defaultMsixEmulation(machine),
    noMmap: placed.vm.noMmap,
    msixRelocation: placed.vm.msixRelocation,
    memslotsUsed: 0,
    assignedPes: placed.assignments.map((a) => a.peId),
    guestBars: [],
  };
  const scenario: Scenario = { ...host, vm };
  // The rules that span host and VM (a relocation onto an io BAR, ...), said as the XML's.
  const rules = scenarioProblems(scenario);
  if (rules.length > 0)
    return { ok: false, problems: rules.map((p) => ({ path: field, message: `${p.path}: ${p.message}` })) };
  return { ok: true, scenario, domain: read.domain, warnings: [...read.warnings, ...placed.warnings] };
}
