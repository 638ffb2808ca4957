import { NotFoundError } from '../decider/domain-error';
import { HostFacts } from '../host-registry/host-facts';
import { Bar, isMemBar } from '../pci/bar';
import { U64_LIMIT } from '../pci/hex';
import { Scenario } from '../scenario/scenario';
import { GuestState } from './guest.state';

/**
 * The scenario the engine decides for one VM: the host, all its PEs, and the VM with the PEs
 * given to it and its guest BARs. PEs and guest BARs the current topology no longer has (a
 * function that left the VM's PEs, a BAR resized so the address no longer fits) are left out, so the scenario passes
 * scenarioProblems
 * and `planScenario(vmScenario(...))` is what `barplane plan` says on the same facts.
 */
export function vmScenario(state: GuestState, facts: HostFacts, vmId: string): Scenario {
  const vm = state.vms.get(vmId);
  if (!vm) throw new NotFoundError(`no VM "${vmId}" on this host`);
  const peIds = new Set(facts.pes.map((pe) => pe.id));
  const assignedPes = vm.assignedPes.filter((id) => peIds.has(id));
  const assigned = new Set(assignedPes);
  const bars = new Map<string, Bar>();
  for (const pe of facts.pes) {
    if (!assigned.has(pe.id)) continue;
    for (const fn of pe.functions)
      for (const bar of fn.bars) if (isMemBar(bar.kind)) bars.set(`${fn.bdf}/${bar.index}`, bar);
  }
  const fits = (address: bigint, bar: Bar | undefined) =>
    bar !== undefined && (bar.size === 0n || address % bar.size === 0n) && address + bar.size <= U64_LIMIT;
  const guestBars = vm.guestBars.filter((g) => fits(g.address, bars.get(`${g.bdf}/${g.index}`)));
  return { host: facts.host, pes: facts.pes, vm: { ...vm, assignedPes, guestBars } };
}
