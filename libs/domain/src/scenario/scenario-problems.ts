import { Bar, MIN_BAR_SIZE, ROM_INDEX, isMmio } from '../pci/bar';
import { U64_LIMIT, toHex } from '../pci/hex';
import { msixPbaSize, msixTableSize } from '../pci/msix';
import { isAligned, isPowerOfTwo } from '../pci/page-math';
import { PciFunction } from '../pci/pe';
import { relocationTarget } from '../pci/vm';
import { Problem } from './problem';
import { Scenario } from './scenario';

/**
 * The rules of scenario.md that span fields: sizes, alignment, overlaps, MSI-X placement,
 * guest BARs, slot budget. Runs on a scenario whose shape is already valid; arrays keep
 * their input order, so paths point into the input. Paths are spelt only for a problem found:
 * a valid scenario of 30,000 BARs is checked without making a string per BAR.
 */
export function scenarioProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const fnAt = new Map<string, FunctionAt>();
  const peIds = new Set<string>();
  const memory: Located[] = [];
  const io: Located[] = [];

  s.host.reservedRanges.forEach((r, i) => {
    if (r.end > U64_LIMIT) add(`host.reservedRanges[${i}]`, 'start + size is above 2^64');
  });

  for (let p = 0; p < s.pes.length; p++) {
    const pe = s.pes[p];
    if (peIds.has(pe.id)) add(`pes[${p}].id`, `PE id "${pe.id}" is given twice`);
    peIds.add(pe.id);
    for (let f = 0; f < pe.functions.length; f++) {
      const fn = pe.functions[f];
      const earlier = fnAt.get(fn.bdf);
      if (earlier?.pe === pe.id)
        add(
          `${functionPath(p, f)}.bdf`,
          `BDF ${fn.bdf} is given twice (first at ${functionPath(earlier.p, earlier.f)})`,
        );
      else if (earlier !== undefined)
        add(`${functionPath(p, f)}.bdf`, `function ${fn.bdf} is in two PEs: "${earlier.pe}" and "${pe.id}"`);
      else fnAt.set(fn.bdf, { pe: pe.id, p, f });
      checkBars(fn, p, f, add, memory, io);
      checkMsix(fn, p, f, add);
    }
  }
  checkOverlaps(memory, 'memory', add);
  checkOverlaps(io, 'I/O', add);
  checkVm(s, fnAt, add);
  return problems;
}

type Add = (path: string, message: string) => void;

/** Where a function first stands in the input, and its PE. */
interface FunctionAt {
  readonly pe: string;
  readonly p: number;
  readonly f: number;
}

/** A BAR's address range and its place in the input (pes[p].functions[f].bars[b]). */
interface Located {
  readonly start: bigint;
  readonly end: bigint;
  readonly p: number;
  readonly f: number;
  readonly b: number;
}

const functionPath = (p: number, f: number) => `pes[${p}].functions[${f}]`;
const barPath = (p: number, f: number, b: number) => `${functionPath(p, f)}.bars[${b}]`;
const locatedPath = (r: Located) => barPath(r.p, r.f, r.b);

function checkBars(fn: PciFunction, p: number, f: number, add: Add, memory: Located[], io: Located[]): void {
  // BAR indices are 0..6: one bit each for the indices seen and the mem64 BARs' lower halves.
  let seen = 0;
  let mem64At = 0;
  for (const bar of fn.bars) if (bar.kind === 'mem64') mem64At |= 1 << bar.index;
  for (let b = 0; b < fn.bars.length; b++) {
    const bar = fn.bars[b];
    if (seen & (1 << bar.index)) {
      const first = fn.bars.findIndex((other) => other.index === bar.index);
      add(`${barPath(p, f, b)}.index`, `BAR index ${bar.index} is given twice (first at ${barPath(p, f, first)})`);
    }
    seen |= 1 << bar.index;
    if (bar.kind === 'rom' && bar.index !== ROM_INDEX)
      add(`${barPath(p, f, b)}.index`, `a rom BAR must have index 6, not ${bar.index}`);
    if (bar.kind !== 'rom' && bar.index === ROM_INDEX)
      add(`${barPath(p, f, b)}.index`, `index 6 is the expansion ROM; a ${bar.kind} BAR must use 0..5`);
    if (bar.kind === 'mem64' && bar.index === 5)
      add(`${barPath(p, f, b)}.index`, 'a mem64 BAR cannot be at index 5 (it needs two registers)');
    if (bar.index >= 1 && bar.index <= 5 && mem64At & (1 << (bar.index - 1))) {
      add(
        `${barPath(p, f, b)}.index`,
        `index ${bar.index} is the upper half of the mem64 BAR at index ${bar.index - 1}`,
      );
    }
    if (bar.size === 0n) continue;
    if (!isPowerOfTwo(bar.size)) add(`${barPath(p, f, b)}.size`, `size ${toHex(bar.size)} is not 0 or a power of two`);
    else if (bar.size < MIN_BAR_SIZE[bar.kind]) {
      add(
        `${barPath(p, f, b)}.size`,
        `size ${toHex(bar.size)} is below the ${bar.kind} minimum of ${toHex(MIN_BAR_SIZE[bar.kind])}`,
      );
    } else if (!isAligned(bar.address, bar.size)) {
      add(`${barPath(p, f, b)}.address`, `address ${toHex(bar.address)} is not aligned to its size ${toHex(bar.size)}`);
    }
    const end = bar.address + bar.size;
    if (end > U64_LIMIT) add(`${barPath(p, f, b)}.size`, 'address + size is above 2^64');
    (isMmio(bar.kind) ? memory : io).push({ start: bar.address, end, p, f, b });
  }
}

function checkMsix(fn: PciFunction, p: number, f: number, add: Add): void {
  const msix = fn.msix;
  if (!msix) return;
  const path = functionPath(p, f);
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
    if (reach && r.start < reach.end)
      add(locatedPath(r), `overlaps ${locatedPath(reach)} in the ${space} address space`);
    if (!reach || r.end > reach.end) reach = r;
  }
}

function checkVm(s: Scenario, fnAt: Map<string, FunctionAt>, add: Add): void {
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
  // Per function, one bit per BAR index already given a guest address.
  const placed = new Map<PciFunction, number>();
  for (let i = 0; i < vm.guestBars.length; i++) {
    const g = vm.guestBars[i];
    const at = `vm.guestBars[${i}]`;
    const where = fnAt.get(g.bdf);
    if (!where) {
      add(`${at}.bdf`, `no function ${g.bdf} on this host`);
      continue;
    }
    const fn = s.pes[where.p].functions[where.f];
    const bar: Bar | undefined = fn.bars.find((b) => b.index === g.index);
    if (!bar) {
      add(`${at}.index`, `function ${g.bdf} has no BAR ${g.index}`);
      continue;
    }
    if (bar.kind === 'io' || bar.kind === 'rom') {
      add(`${at}.index`, `BAR ${g.index} of ${g.bdf} is ${bar.kind}, which is never mapped into the guest`);
      continue;
    }
    if (!assigned.has(where.pe))
      add(`${at}.bdf`, `function ${g.bdf} is in PE "${where.pe}", which is not assigned to the VM`);
    const mask = placed.get(fn) ?? 0;
    if (mask & (1 << g.index)) {
      const first = vm.guestBars.findIndex((other) => other.bdf === g.bdf && other.index === g.index);
      add(at, `BAR ${g.index} of ${g.bdf} is given twice (first at vm.guestBars[${first}])`);
    }
    placed.set(fn, mask | (1 << g.index));
    if (bar.size > 0n && !isAligned(g.address, bar.size)) {
      add(`${at}.address`, `guest address ${toHex(g.address)} is not aligned to the BAR's size ${toHex(bar.size)}`);
    }
    if (g.address + bar.size > U64_LIMIT) add(`${at}.address`, 'guest address + BAR size is above 2^64');
  }

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
