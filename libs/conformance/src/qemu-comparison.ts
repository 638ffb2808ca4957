import {
  alignDown,
  alignUp,
  BarDecision,
  defaultMsixEmulation,
  isMemBar,
  Machine,
  MsixRelocation,
  planScenario,
  Reason,
  Scenario,
  toHex,
  Vm,
} from '@barplane/domain';

/** One VM the lab ran with this machine's QEMU inside a guest (scripts/conformance/qemu-side.mjs). */
export interface QemuRunSpec {
  readonly name: string;
  /** The VM's machine: `q35` (MSI-X emulated) or `pseries` (vfio-no-msix-emulation). Default q35. */
  readonly machine?: Machine;
  /** QEMU's per-device options, as barplane's VM-wide settings (every device of a run shares them). */
  readonly noMmap?: boolean;
  readonly msixRelocation?: MsixRelocation;
}

/** What the guest said about one QEMU run. */
export interface QemuRunReport {
  /** qdev id -> host BDF. */
  readonly devices: ReadonlyMap<string, string>;
  /** query-pci's answer (QMP `return`). */
  readonly queryPci?: unknown;
  /** `info mtree -f` text. */
  readonly mtree?: string;
  /** QEMU's stderr lines that are not trace events ("Failed to mmap ... Performance may be slow" would be here). */
  readonly log: readonly string[];
  /** QEMU's vfio trace events (vfio_region_mmap, vfio_msix_fixup, vfio_region_mmaps_set_enabled ...). */
  readonly trace: readonly string[];
  readonly errors: readonly string[];
}

/** One flat-view range of the "memory" address space. */
export interface FlatRange {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  readonly type: string;
  readonly name: string;
  /** Where the range starts inside its memory region (the " @..." suffix; 0 without one). */
  readonly offset: bigint;
}

export interface QemuBarRow {
  readonly run: string;
  readonly bdf: string;
  readonly index: number;
  readonly size: bigint;
  /** Where the guest (SeaBIOS or the qtest placement) put the BAR; undefined while unmapped. */
  readonly guest?: bigint;
  /** The ram-device ranges QEMU maps, as offsets from the guest BAR, before KVM's page rounding. */
  readonly qemuDirect: readonly { offset: bigint; size: bigint }[];
  /** QEMU's mode: its direct ranges rounded inward to host pages as KVM does (kvm_align_section). */
  readonly qemuMode: string;
  readonly qemuRanges: readonly { offset: bigint; size: bigint }[];
  readonly barplane: BarDecision;
  readonly agree: boolean;
  readonly difference?: string;
}

type Json = Record<string, unknown>;

/** The ranges of the flat view that the "memory" address space uses, from `info mtree -f`. */
export function memoryFlatView(mtree: string): FlatRange[] {
  // The monitor ends its lines with \r\n.
  const views = mtree.replace(/\r\n/g, '\n').split(/^FlatView #\d+$/m);
  const view = views.find((v) => /^ AS "memory",/m.test(v));
  if (!view) return [];
  const out: FlatRange[] = [];
  for (const line of view.split('\n')) {
    const m = /^\s+([0-9a-f]+)-([0-9a-f]+) \(prio -?\d+, ([^)]+)\): (.*)$/.exec(line);
    if (!m) continue;
    const rest = m[4].replace(/ KVM$/, '').trim();
    const at = / @([0-9a-f]+)$/.exec(rest);
    const name = rest.replace(/ @[0-9a-f]+$/, '');
    out.push({
      start: BigInt(`0x${m[1]}`),
      end: BigInt(`0x${m[2]}`) + 1n,
      type: m[3],
      name,
      offset: at ? BigInt(`0x${at[1]}`) : 0n,
    });
  }
  return out;
}

/** qdev id -> BAR index -> guest address, from query-pci (address -1: unmapped, left out). */
export function guestAddresses(queryPci: unknown): Map<string, Map<number, bigint>> {
  const out = new Map<string, Map<number, bigint>>();
  const buses = Array.isArray(queryPci) ? (queryPci as Json[]) : [];
  const visit = (devices: Json[]) => {
    for (const d of devices) {
      const id = typeof d.qdev_id === 'string' ? d.qdev_id : '';
      const bars = new Map<number, bigint>();
      for (const r of (d.regions as Json[] | undefined) ?? []) {
        if (r.type !== 'memory' || typeof r.bar !== 'number') continue;
        const address = BigInt(r.address as number);
        if (address >= 0n && address !== 0xffffffffffffffffn) bars.set(r.bar, address);
      }
      if (id) out.set(id, bars);
      const bridge = d.pci_bridge as Json | undefined;
      if (bridge && Array.isArray(bridge.devices)) visit(bridge.devices as Json[]);
    }
  };
  for (const bus of buses) visit((bus.devices as Json[] | undefined) ?? []);
  return out;
}

/**
 * Where each mmap of a BAR starts inside the BAR, from QEMU's vfio_region_mmap trace ("BDF BAR n mmaps[i]" -> offset).
 */
export function mmapOffsets(trace: readonly string[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of trace) {
    const m = /^vfio_region_mmap Region (.+ mmaps\[\d+\]) \[(0x[0-9a-f]+) - 0x[0-9a-f]+\]/.exec(line);
    if (m) out.set(m[1], BigInt(m[2]));
  }
  return out;
}

/** kvm_align_section: a piece shrinks inward to whole host pages, or disappears (R4.7). */
function kvmAlign(pieces: readonly { offset: bigint; size: bigint }[], P: bigint): { offset: bigint; size: bigint }[] {
  return pieces.flatMap((p) => {
    const start = alignUp(p.offset, P);
    const end = alignDown(p.offset + p.size, P);
    return end > start ? [{ offset: start, size: end - start }] : [];
  });
}

function modeOf(ranges: readonly { offset: bigint; size: bigint }[], size: bigint): string {
  if (ranges.length === 0) return 'EMULATED';
  if (ranges.length === 1 && ranges[0].offset === 0n && ranges[0].size >= size)
    return ranges[0].size > size ? 'DIRECT_PAGE_EXPANDED' : 'DIRECT';
  return 'PARTIAL_DIRECT';
}

const same = (a: readonly { offset: bigint; size: bigint }[], b: readonly { offset: bigint; size: bigint }[]) =>
  a.length === b.length && a.every((x, i) => x.offset === b[i].offset && x.size === b[i].size);

const describe = (ranges: readonly { offset: bigint; size: bigint }[]) =>
  ranges.map((r) => `[${toHex(r.offset)},${toHex(r.offset + r.size)})`).join(' ') || 'none';

/**
 * One QEMU run against barplane: the VM is built from what QEMU shows (the assigned functions'
 * PEs, the guest BAR addresses of query-pci, the run's options), planned with the host's facts,
 * and each memory BAR's mode and direct ranges compared with the ram-device ranges of QEMU's
 * flat view, rounded to host pages as KVM would (no KVM in the lab's guests).
 */
export function compareQemuRun(
  host: Scenario,
  spec: QemuRunSpec,
  report: QemuRunReport,
): { rows: QemuBarRow[]; reasons: { reasons: readonly Reason[]; example: string }[]; problems: string[] } {
  const problems = [...report.errors];
  if (report.queryPci === undefined || report.mtree === undefined) {
    problems.push('QEMU gave no query-pci or no memory tree');
    return { rows: [], reasons: [], problems };
  }
  const P = host.host.pageSize;
  const fnByBdf = new Map(host.pes.flatMap((pe) => pe.functions.map((fn) => [fn.bdf, { pe, fn }] as const)));
  const addresses = guestAddresses(report.queryPci);
  const flat = memoryFlatView(report.mtree);
  const mmapStart = mmapOffsets(report.trace);
  const assigned = new Set<string>();
  const guestBars: Vm['guestBars'][number][] = [];
  for (const [id, bdf] of report.devices) {
    const found = fnByBdf.get(bdf);
    if (!found) {
      problems.push(`QEMU device ${id} is host function ${bdf || '(none)'}, which the host's facts do not have`);
      continue;
    }
    assigned.add(found.pe.id);
    for (const [index, address] of addresses.get(id) ?? []) {
      // QEMU's own BARs (an MSI-X relocation target) are not host BARs: barplane plans them as part of the option.
      const bar = found.fn.bars.find((b) => b.index === index);
      if (bar && isMemBar(bar.kind) && bar.size > 0n) guestBars.push({ bdf, index, address });
    }
  }
  const machine = spec.machine ?? 'q35';
  const vm: Vm = {
    id: spec.name,
    machine,
    msixEmulation: defaultMsixEmulation(machine),
    noMmap: spec.noMmap ?? false,
    msixRelocation: spec.msixRelocation ?? 'off',
    memslotsUsed: 0,
    assignedPes: [...assigned].sort(),
    guestBars,
  };
  const plan = planScenario({ ...host, vm });
  const rows: QemuBarRow[] = [];
  const reasons: { reasons: readonly Reason[]; example: string }[] = [];
  for (const bdf of report.devices.values()) {
    const found = fnByBdf.get(bdf);
    if (!found) continue;
    for (const bar of found.fn.bars) {
      if (!isMemBar(bar.kind) || bar.size === 0n) continue;
      const decision = plan.bars.find((d) => d.bdf === bdf && d.index === bar.index);
      if (!decision) continue;
      const guest = guestBars.find((g) => g.bdf === bdf && g.index === bar.index)?.address;
      const prefix = `${bdf} BAR ${bar.index} mmaps[`;
      // Offsets inside the BAR come from the regions themselves (the mmap's place in the BAR plus
      // the range's place in the mmap), not from addresses: on pseries the flat view shows CPU
      // addresses and query-pci bus addresses.
      const direct =
        guest === undefined
          ? []
          : flat
              .filter((r) => r.type === 'ramd' && r.name.startsWith(prefix))
              .map((r) => ({ offset: (mmapStart.get(r.name) ?? 0n) + r.offset, size: r.end - r.start }))
              .sort((a, b) => (a.offset < b.offset ? -1 : 1));
      const ranges = kvmAlign(direct, P);
      const qemuMode = guest === undefined ? 'PENDING' : modeOf(ranges, bar.size);
      const barplaneRanges = decision.directRanges;
      const diffs: string[] = [];
      if (qemuMode !== decision.mode)
        diffs.push(`QEMU ${qemuMode}, barplane ${decision.mode} ${decision.reasons.join(',')}`);
      if (!same(ranges, barplaneRanges))
        diffs.push(`direct ranges ${describe(ranges)} (QEMU, page-rounded) vs ${describe(barplaneRanges)}`);
      const agree = diffs.length === 0;
      rows.push({
        run: spec.name,
        bdf,
        index: bar.index,
        size: bar.size,
        ...(guest !== undefined ? { guest } : {}),
        qemuDirect: direct,
        qemuMode,
        qemuRanges: ranges,
        barplane: decision,
        agree,
        ...(agree ? {} : { difference: diffs.join('; ') }),
      });
      if (agree) reasons.push({ reasons: decision.reasons, example: `QEMU run ${spec.name} ${bdf} BAR ${bar.index}` });
    }
  }
  return { rows, reasons, problems };
}

/** The parts of a guest's events that belong to QEMU run `tag`. */
export function qemuRunReport(events: readonly unknown[], tag: string): QemuRunReport {
  const devices = new Map<string, string>();
  let queryPci: unknown;
  let mtree: string | undefined;
  const log: string[] = [];
  const trace: string[] = [];
  const errors: string[] = [];
  for (const e of events as Json[]) {
    if (e.tag !== tag && e.bdf !== tag) continue;
    if (e.type === 'qemu-device') devices.set(String(e.id), String(e.host));
    else if (e.type === 'qemu-log') (/^vfio_\w+ /.test(String(e.line)) ? trace : log).push(String(e.line));
    else if (e.type === 'error') errors.push(`${String(e.step)}: ${String(e.message)}`);
    else if (e.type === 'qtest') errors.push(`qtest ${String(e.command)}: ${String(e.reply)}`);
    else if (e.type === 'qmp') {
      const message = e.message as Json;
      if (message.error) errors.push(`QMP ${String(e.command)}: ${JSON.stringify(message.error)}`);
      else if (String(e.command).includes('query-pci')) queryPci = message.return;
      else if (String(e.command).includes('info mtree')) mtree = String(message.return);
    }
  }
  return { devices, queryPci, mtree, log, trace, errors };
}
