import { HostFacts } from '../host-registry/host-facts';
import { compareIds } from '../pci/bdf';
import { U64_LIMIT, toHex } from '../pci/hex';
import { Host } from '../pci/host';
import { Bar, isMemBar } from '../pci/bar';
import { Pe } from '../pci/pe';
import { MACHINES, MSIX_RELOCATIONS, Vm, relocationTarget } from '../pci/vm';
import { Problem } from '../scenario/problem';
import { GuestBarSetting } from './guest.commands';
import { GuestState } from './guest.state';

/** The VM's own fields (scenario.md): known machine and relocation, memslotsUsed within the host's limit. */
export function vmProblems(vm: Vm, host: Host): Problem[] {
  const problems: Problem[] = [];
  if (!vm.id) problems.push({ path: 'vmId', message: 'the VM id is empty' });
  if (!MACHINES.includes(vm.machine))
    problems.push({ path: 'machine', message: `"${vm.machine}" is not one of ${MACHINES.join(', ')}` });
  if (!MSIX_RELOCATIONS.includes(vm.msixRelocation)) {
    problems.push({
      path: 'msixRelocation',
      message: `"${vm.msixRelocation}" is not one of ${MSIX_RELOCATIONS.join(', ')}`,
    });
  }
  if (!Number.isSafeInteger(vm.memslotsUsed) || vm.memslotsUsed < 0) {
    problems.push({ path: 'memslotsUsed', message: `${vm.memslotsUsed} is not a non-negative integer` });
  } else if (vm.memslotsUsed > host.kvmMemslots) {
    problems.push({
      path: 'memslotsUsed',
      message: `${vm.memslotsUsed} is above the host's kvmMemslots (${host.kvmMemslots})`,
    });
  }
  return problems;
}

/** `msixRelocation = barN` must not name an io BAR or the upper half of a mem64 BAR of a function with MSI-X (R4.5). */
export function relocationProblems(vm: Vm, pe: Pe): Problem[] {
  const target = relocationTarget(vm.msixRelocation);
  if (target === undefined) return [];
  const problems: Problem[] = [];
  for (const fn of pe.functions) {
    if (!fn.msix) continue;
    const bar = fn.bars.find((b) => b.index === target);
    const lower = fn.bars.find((b) => b.index === target - 1);
    const at = `VM "${vm.id}" relocates MSI-X to bar${target}`;
    if (bar?.kind === 'io')
      problems.push({ path: 'msixRelocation', message: `${at}, but bar${target} of ${fn.bdf} is an io BAR` });
    else if (lower?.kind === 'mem64') {
      problems.push({
        path: 'msixRelocation',
        message: `${at}, but bar${target} of ${fn.bdf} is the upper half of its mem64 BAR ${target - 1}`,
      });
    }
  }
  return problems;
}

/** Functions of `pe` held by a VM other than `vmId`, as problems naming each function and its VM. */
export function conflictProblems(state: GuestState, pe: Pe, vmId: string, path: string): Problem[] {
  const problems: Problem[] = [];
  const named = new Set<string>();
  const name = (bdf: string, holder: string) => {
    if (named.has(bdf)) return;
    named.add(bdf);
    problems.push({ path, message: `function ${bdf} of PE "${pe.id}" is given to VM "${holder}"` });
  };
  const members = pe.functions.map((fn) => fn.bdf).sort(compareIds);
  for (const bdf of members) {
    const holder = state.holders.get(bdf);
    if (holder && holder.vmId !== vmId) name(bdf, holder.vmId);
  }
  const heldUnderPe = [...state.holders]
    .filter(([, h]) => h.peId === pe.id && h.vmId !== vmId)
    .sort(([a], [b]) => compareIds(a, b));
  for (const [bdf, holder] of heldUnderPe) name(bdf, holder.vmId);
  for (const other of state.vms.values()) {
    if (other.id === vmId || !other.assignedPes.includes(pe.id)) continue;
    for (const bdf of members) name(bdf, other.id);
    if (members.length === 0 && !problems.length)
      problems.push({ path, message: `PE "${pe.id}" is given to VM "${other.id}"` });
  }
  return problems;
}

/** A guest address for a BAR: a mem BAR, aligned to its size, inside 2^64 (R4.4, scenario.md). */
export function guestBarProblems(bar: Bar, bdf: string, address: bigint): Problem[] {
  if (!isMemBar(bar.kind))
    return [
      { path: 'index', message: `BAR ${bar.index} of ${bdf} is ${bar.kind}, which is never mapped into the guest` },
    ];
  const problems: Problem[] = [];
  if (address < 0n) problems.push({ path: 'address', message: 'the guest address is negative' });
  else if (bar.size > 0n && address % bar.size !== 0n) {
    problems.push({
      path: 'address',
      message: `guest address ${toHex(address)} is not aligned to the BAR's size ${toHex(bar.size)}`,
    });
  }
  if (address + bar.size > U64_LIMIT)
    problems.push({ path: 'address', message: 'guest address + BAR size is above 2^64' });
  return problems;
}

/**
 * Every problem of a guest BAR set (ProgramGuestBars), each at its entry's path `bars[i]...`:
 * a function the host does not have or the VM does not hold, a BAR index the function does not
 * have, a BAR listed twice, an address guestBarProblems refuses or one for a size-0 (absent)
 * BAR. null (not mapped by the guest) is fine for any BAR the function has.
 */
export function guestBarSetProblems(
  bars: readonly GuestBarSetting[],
  vmId: string,
  state: GuestState,
  facts: HostFacts,
): Problem[] {
  const functions = new Map(facts.pes.flatMap((pe) => pe.functions).map((fn) => [fn.bdf, fn]));
  const firstAt = new Map<string, number>();
  const problems: Problem[] = [];
  bars.forEach(({ bdf, index, address }, i) => {
    const at = `bars[${i}]`;
    const fn = functions.get(bdf);
    if (!fn) {
      problems.push({ path: `${at}.bdf`, message: `no function ${bdf} on this host` });
      return;
    }
    if (state.holders.get(bdf)?.vmId !== vmId)
      problems.push({
        path: `${at}.bdf`,
        message: `function ${bdf} is not given to VM "${vmId}": assign its PE first`,
      });
    const key = `${bdf}/${index}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined)
      problems.push({ path: at, message: `BAR ${index} of ${bdf} is listed twice (first at bars[${earlier}])` });
    else firstAt.set(key, i);
    const bar = fn.bars.find((b) => b.index === index);
    if (!bar) problems.push({ path: `${at}.index`, message: `function ${bdf} has no BAR ${index}` });
    else if (address === null) return;
    else if (bar.size === 0n && isMemBar(bar.kind)) {
      problems.push({
        path: `${at}.address`,
        message: `BAR ${index} of ${bdf} has size 0 (absent on the host): the guest cannot map it, send null`,
      });
    } else
      problems.push(
        ...guestBarProblems(bar, bdf, address).map((p) => ({ path: `${at}.${p.path}`, message: p.message })),
      );
  });
  return problems;
}
