import { Bar, MIN_BAR_SIZE, ROM_INDEX, isMmio } from '../pci/bar';
import { U64_LIMIT, toHex } from '../pci/hex';
import { msixPbaSize, msixTableSize } from '../pci/msix';
import { isPowerOfTwo } from '../pci/page-math';
import { PciFunction } from '../pci/pe';
import { relocationTarget } from '../pci/vm';
import { Problem } from './problem';
import { Scenario } from './scenario';

/**
 * The rules of scenario.md that span fields: sizes, alignment, overlaps, MSI-X placement,
 * guest BARs, slot budget. Runs on a scenario whose shape is already valid; arrays keep
 * their input order, so paths point into the input.
 */
export function scenarioProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const fnPath = new Map<string, string>();
  const peOfFn = new Map<string, string>();
  const peIds = new Set<string>();
  const memory: Located[] = [];
  const io: Located[] = [];

  s.host.reservedRanges.forEach((r, i) => {
    if (r.end > U64_LIMIT) add(`host.reservedRanges[${i}]`, 'start + size is above 2^64');
  });

  s.pes.forEach((pe, p) => {
    const pePath = `pes[${p}]`;
    if (peIds.has(pe.id)) add(`${pePath}.id`, `PE id "${pe.id}" is given twice`);
    peIds.add(pe.id);
    pe.functions.forEach((fn, f) => {
      const path = `${pePath}.functions[${f}]`;
      const earlierPe = peOfFn.get(fn.bdf);
      if (earlierPe === pe.id) add(`${path}.bdf`, `BDF ${fn.bdf} is given twice (first at ${fnPath.get(fn.bdf)})`);
      else if (earlierPe !== undefined)
        add(`${path}.bdf`, `function ${fn.bdf} is in two PEs: "${earlierPe}" and "${pe.id}"`);
      else {
        peOfFn.set(fn.bdf, pe.id);
        fnPath.set(fn.bdf, path);
      }
      checkBars(fn, path, add, memory, io);
      checkMsix(fn, path, add);
    });
  });
  checkOverlaps(memory, 'memory', add);
  checkOverlaps(io, 'I/O', add);
  checkVm(s, peOfFn, add);
  return problems;
}

type Add = (path: string, message: string) => void;

interface Located {
  readonly start: bigint;
  readonly end: bigint;
  readonly path: string;
}

function checkBars(fn: PciFunction, path: string, add: Add, memory: Located[], io: Located[]): void {
  const seen = new Map<number, string>();
  const mem64At = new Set<number>();
  for (const bar of fn.bars) if (bar.kind === 'mem64') mem64At.add(bar.index);
  fn.bars.forEach((bar, b) => {
    const at = `${path}.bars[${b}]`;
    const first = seen.get(bar.index);
    if (first !== undefined) add(`${at}.index`, `BAR index ${bar.index} is given twice (first at ${first})`);
    seen.set(bar.index, at);
    if (bar.kind === 'rom' && bar.index !== ROM_INDEX)
      add(`${at}.index`, `a rom BAR must have index 6, not ${bar.index}`);
    if (bar.kind !== 'rom' && bar.index === ROM_INDEX)
      add(`${at}.index`, `index 6 is the expansion ROM; a ${bar.kind} BAR must use 0..5`);
    if (bar.kind === 'mem64' && bar.index === 5)
      add(`${at}.index`, 'a mem64 BAR cannot be at index 5 (it needs two registers)');
    if (mem64At.has(bar.index - 1) && bar.index <= 5) {
      add(`${at}.index`, `index ${bar.index} is the upper half of the mem64 BAR at index ${bar.index - 1}`);
    }
    if (bar.size !== 0n) {
      if (!isPowerOfTwo(bar.size)) add(`${at}.size`, `size ${toHex(bar.size)} is not 0 or a power of two`);
      else if (bar.size < MIN_BAR_SIZE[bar.kind]) {
        add(
          `${at}.size`,
          `size ${toHex(bar.size)} is below the ${bar.kind} minimum of ${toHex(MIN_BAR_SIZE[bar.kind])}`,
        );
      } else if (bar.address % bar.size !== 0n) {
        add(`${at}.address`, `address ${toHex(bar.address)} is not aligned to its size ${toHex(bar.size)}`);
      }
      if (bar.address + bar.size > U64_LIMIT) add(`${at}.size`, 'address + size is above 2^64');
      const located = { start: bar.address, end: bar.address + bar.size, path: at };
      (isMmio(bar.kind) ? memory : io).push(located);
    }
  });
}

function checkMsix(fn: PciFunction, path: string, add: Add): void {
  const msix = fn.msix;
  if (!msix) return;
  const barAt = (index: number) => fn.bars.find((b) => b.index === index);
  const place = (what: string, index: number, offset: bigint, size: bigint, field: 'table' | 'pba') => {
    const bar = barAt(index);
    if (!bar || bar.size === 0n)
      return add(`${path}.msix.${field}Bar`, `MSI-X ${what} is in BAR ${index}, which the function does not have`);
    if (bar.kind === 'io' || bar.kind === 'rom')
      return add(`${path}.msix.${field}Bar`, `MSI-X ${what} cannot be in the ${bar.kind} BAR ${index}`);
    if (offset + size > bar.size) {
      add(
        `${path}.msix.${field}Offset`,
        `MSI-X ${what} [${toHex(offset)}, ${toHex(offset + size)}) reaches past the end of BAR ${index} (size ${toHex(bar.size)})`,
      );
    }
  };
  place('table', msix.tableBar, msix.tableOffset, msixTableSize(msix.vectors), 'table');
  if (msix.pbaBar !== undefined && msix.pbaOffset !== undefined) {
    place('PBA', msix.pbaBar, msix.pbaOffset, msixPbaSize(msix.vectors), 'pba');
  }
}

function checkOverlaps(ranges: Located[], space: string, add: Add): void {
  const sorted = ranges.slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reach: Located | undefined;
  for (const r of sorted) {
    if (reach && r.start < reach.end) add(r.path, `overlaps ${reach.path} in the ${space} address space`);
    if (!reach || r.end > reach.end) reach = r;
  }
}

function checkVm(s: Scenario, peOfFn: Map<string, string>, add: Add): void {
  const vm = s.vm;
  if (!vm) return;
  const peIds = new Set(s.pes.map((pe) => pe.id));
  const assigned = new Set<string>();
  vm.assignedPes.forEach((id, i) => {
    if (!peIds.has(id)) add(`vm.assignedPes[${i}]`, `names no PE: "${id}"`);
    else if (assigned.has(id)) add(`vm.assignedPes[${i}]`, `PE "${id}" is given twice`);
    assigned.add(id);
  });
  if (vm.memslotsUsed > s.host.kvmMemslots) {
    add('vm.memslotsUsed', `${vm.memslotsUsed} is above the host's kvmMemslots (${s.host.kvmMemslots})`);
  }
  const functions = new Map<string, PciFunction>();
  for (const pe of s.pes) for (const fn of pe.functions) if (!functions.has(fn.bdf)) functions.set(fn.bdf, fn);

  const seen = new Map<string, string>();
  vm.guestBars.forEach((g, i) => {
    const at = `vm.guestBars[${i}]`;
    const fn = functions.get(g.bdf);
    if (!fn) return add(`${at}.bdf`, `no function ${g.bdf} on this host`);
    const bar: Bar | undefined = fn.bars.find((b) => b.index === g.index);
    if (!bar) return add(`${at}.index`, `function ${g.bdf} has no BAR ${g.index}`);
    if (bar.kind === 'io' || bar.kind === 'rom')
      return add(`${at}.index`, `BAR ${g.index} of ${g.bdf} is ${bar.kind}, which is never mapped into the guest`);
    const pe = peOfFn.get(g.bdf)!;
    if (!assigned.has(pe)) add(`${at}.bdf`, `function ${g.bdf} is in PE "${pe}", which is not assigned to the VM`);
    const key = `${g.bdf}/${g.index}`;
    const first = seen.get(key);
    if (first !== undefined) add(at, `BAR ${g.index} of ${g.bdf} is given twice (first at ${first})`);
    seen.set(key, at);
    if (bar.size > 0n && g.address % bar.size !== 0n) {
      add(`${at}.address`, `guest address ${toHex(g.address)} is not aligned to the BAR's size ${toHex(bar.size)}`);
    }
    if (g.address + bar.size > U64_LIMIT) add(`${at}.address`, 'guest address + BAR size is above 2^64');
  });

  const target = relocationTarget(vm.msixRelocation);
  if (target === undefined) return;
  for (const pe of s.pes) {
    if (!assigned.has(pe.id)) continue;
    for (const fn of pe.functions) {
      if (!fn.msix) continue;
      const bar = fn.bars.find((b) => b.index === target);
      const lower = fn.bars.find((b) => b.index === target - 1);
      if (bar?.kind === 'io') add('vm.msixRelocation', `bar${target} of ${fn.bdf} is an io BAR`);
      else if (lower?.kind === 'mem64')
        add('vm.msixRelocation', `bar${target} of ${fn.bdf} is the upper half of its mem64 BAR ${target - 1}`);
    }
  }
}
