import { BarKind, parseBdf } from '@barplane/domain';
import { assembleScenario } from '../assemble';
import { HostBasics, ImportedBar, ImportedFunction, ImportInputError, ImportResult } from '../imported';
import { PastedLine, unwrapPastedText } from './pasted-text';

/**
 * `lspci -vvv -nn` text (pciutils lspci.c: show_bases, show_rom, show_caps, show_msix):
 *
 *   0000:01:00.0 Non-Volatile memory controller [0108]: Intel Corporation ... [8086:2700] (rev 00) (prog-if 02 [NVM
 * Express])
 *   \tIOMMU group: 5
 *   \tRegion 0: Memory at f7000000 (64-bit, non-prefetchable) [size=16K]
 *   \tRegion 2: I/O ports at e000 [size=32]
 *   \tExpansion ROM at f7080000 [virtual] [disabled] [size=512K]
 *   \tCapabilities: [b0] MSI-X: Enable+ Count=32 Masked-
 *   \t\tVector table: BAR=0 offset=00002000
 *   \t\tPBA: BAR=0 offset=00003000
 *
 * Markers `[virtual]`, `[enhanced]`, `[disabled]` sit before or after the address depending on
 * the pciutils version. Region lines inside a capability (the SR-IOV capability lists the VF
 * BARs that way) are not BARs of the function. A non-root lspci prints
 * `Capabilities: <access denied>`: MSI-X is then unknown.
 *
 * The text may be pasted (pasted-text.ts): indented as a block, Markdown-quoted or in a fenced
 * code block. Lines that are not lspci's (prose around it, text where a header or an indented
 * detail line should be) are skipped, each named in a warning with its line number.
 */

const HEADER = /^(?:([0-9a-f]{4,}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])\s+(.*)$/i;
const REGION = /^Region\s+(\d+):\s*(.*)$/;
const ROM = /^Expansion ROM at\s+(.*)$/;
const UNNUMBERED = /^(?:\[(?:virtual|enhanced)\]\s+)?(?:Memory|I\/O ports) at /;
const CAPABILITY = /^Capabilities:\s*(.*)$/;
const MSIX_CAP = /^\[[0-9a-f]+(?:\s+v\d+)?\]\s+MSI-X:.*\bCount=(\d+)/i;
const VECTOR_TABLE = /^Vector table:\s*BAR=(\d+)\s+offset=([0-9a-f]+)/i;
const PBA = /^PBA:\s*BAR=(\d+)\s+offset=([0-9a-f]+)/i;
const IOMMU_GROUP = /^IOMMU group:\s*(\d+)/;
const SIZE = /\[size=(\d+)([KMGT]?)\]/;
const MARKER = /\[(virtual|enhanced|disabled(?: by cmd)?)\]/g;
const MEMORY = /^Memory at\s+(\S+)\s+\((32-bit|64-bit|low-1M|type 3),\s*(non-)?prefetchable\)/;
const IO_PORTS = /^I\/O ports at\s+(\S+)/;
const UNITS: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };

/** `[size=16K]` -> 0x4000 (lspci prints the largest unit that divides the size). */
export function parseLspciSize(text: string): bigint | undefined {
  const m = SIZE.exec(text);
  return m ? BigInt(m[1]) * UNITS[m[2]] : undefined;
}

interface Draft {
  name: string;
  header: string;
  lineNo: number;
  bars: ImportedBar[];
  virtualBars: number;
  regionCount: number;
  capsDenied: boolean;
  msixCount?: number;
  table?: { bar: number; offset: bigint };
  pba?: { bar: number; offset: bigint };
  iommuGroup?: string;
  notes: string[];
}

type RegionRead = { ok: true; bar: ImportedBar; virtual: boolean } | { ok: false; problem: string };

function readRegion(index: number, body: string, rom: boolean): RegionRead {
  const size = parseLspciSize(body);
  const markers = [...body.matchAll(MARKER)].map((m) => m[1]);
  const plain = body.replace(MARKER, '').replace(SIZE, '').replace(/\s+/g, ' ').trim();
  const virtual = markers.includes('virtual');
  const address = (text: string) => (/^[0-9a-f]+$/i.test(text) ? BigInt('0x' + text) : undefined);
  if (rom) {
    const at = address(plain.split(' ')[0] ?? '');
    if (at === undefined) return { ok: false, problem: `no address (${plain.split(' ')[0]})` };
    if (size === undefined) return { ok: false, problem: 'no size shown' };
    return { ok: true, bar: { index, kind: 'rom', address: at, size, prefetchable: false, fixed: false }, virtual };
  }
  let kind: BarKind;
  let at: bigint | undefined;
  let prefetchable = false;
  let where: string;
  const mem = MEMORY.exec(plain);
  const io = IO_PORTS.exec(plain);
  if (mem) {
    where = mem[1];
    at = address(mem[1]);
    kind = mem[2] === '64-bit' ? 'mem64' : 'mem32';
    prefetchable = mem[3] === undefined;
  } else if (io) {
    where = io[1];
    at = address(io[1]);
    kind = 'io';
  } else {
    return { ok: false, problem: `not a Memory or I/O ports region: "${body.trim()}"` };
  }
  if (at === undefined) return { ok: false, problem: `no address (${where})` };
  if (size === undefined) return { ok: false, problem: 'no size shown' };
  return { ok: true, bar: { index, kind, address: at, size, prefetchable, fixed: false }, virtual };
}

/** A skipped line as a warning shows it: JSON-quoted (tabs visible), long ones cut. */
function quoteLine(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}...` : text);
}

/** Parses `lspci -vvv` text into functions (pure). Throws ImportInputError when the text is not usable. */
export function parseLspci(text: string, warnings: string[]): ImportedFunction[] {
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  let inCapabilities = false;
  let inMsix = false;
  const { lines, outside } = unwrapPastedText(text, (trimmed) => HEADER.test(trimmed));
  const skipped: PastedLine[] = [...outside];
  for (const { no, text: raw } of lines) {
    const header = /^\s/.test(raw) ? null : HEADER.exec(raw);
    if (header) {
      current = {
        name: raw.slice(0, raw.length - header[5].length).trim(),
        header: header[5],
        lineNo: no,
        bars: [],
        virtualBars: 0,
        regionCount: 0,
        capsDenied: false,
        notes: [],
      };
      drafts.push(current);
      inCapabilities = false;
      inMsix = false;
      continue;
    }
    if (raw.trim() === '') continue;
    // A function's lines are indented below its header: anything else is not lspci's.
    if (!current || !/^\s/.test(raw)) {
      skipped.push({ no, text: raw });
      continue;
    }
    const line = raw.trim();
    const d = current;
    const cap = CAPABILITY.exec(line);
    if (cap) {
      inCapabilities = true;
      if (/^<access denied>/.test(cap[1])) d.capsDenied = true;
      const msix = MSIX_CAP.exec(cap[1]);
      inMsix = msix !== null;
      if (msix) d.msixCount = Number(msix[1]);
      continue;
    }
    if (inMsix) {
      const t = VECTOR_TABLE.exec(line);
      if (t) d.table = { bar: Number(t[1]), offset: BigInt('0x' + t[2]) };
      const p = PBA.exec(line);
      if (p) d.pba = { bar: Number(p[1]), offset: BigInt('0x' + p[2]) };
    }
    const group = IOMMU_GROUP.exec(line);
    if (group) {
      d.iommuGroup = group[1];
      continue;
    }
    if (inCapabilities) continue;
    if (UNNUMBERED.test(line)) {
      throw new ImportInputError(
        `line ${no}: "${line}" carries no BAR number: give the output of lspci -vvv (or -vv), where each BAR is a "Region N:" line`,
      );
    }
    const region = REGION.exec(line);
    const rom = region ? null : ROM.exec(line);
    if (!region && !rom) continue;
    const index = region ? Number(region[1]) : 6;
    const read = readRegion(index, region ? region[2] : rom![1], !region);
    const what = region ? `BAR ${index}` : 'ROM';
    if (!read.ok) {
      d.notes.push(`${what} left out: ${read.problem}`);
      continue;
    }
    if (region) {
      d.regionCount++;
      if (read.virtual) d.virtualBars++;
    }
    d.bars.push(read.bar);
  }

  if (drafts.length === 0) {
    throw new ImportInputError(
      'no PCI function found: expected the output of lspci -vvv (lines such as "0000:01:00.0 Ethernet controller [0200]: ...")',
    );
  }

  skipped.sort((x, y) => x.no - y.no);
  for (const l of skipped) warnings.push(`line ${l.no} skipped (not lspci output): ${quoteLine(l.text)}`);

  const functions: ImportedFunction[] = [];
  for (const d of drafts) {
    const parsed = parseBdf(d.name);
    if (!parsed.ok) {
      warnings.push(`line ${d.lineNo}: ${d.name} left out: ${parsed.problem}`);
      continue;
    }
    const bdf = parsed.bdf;
    for (const n of d.notes) warnings.push(`${bdf}: ${n}`);
    const ids = [...d.header.matchAll(/\[([0-9a-f]{4}):([0-9a-f]{4})\]/gi)].pop();
    const vendorDevice = ids ? `${ids[1]}:${ids[2]}`.toLowerCase() : undefined;
    const namedVf = /virtual function/i.test(d.header);
    const allVirtual = d.regionCount > 0 && d.virtualBars === d.regionCount;
    if (allVirtual && !namedVf)
      warnings.push(`${bdf}: taken as an SR-IOV VF (every BAR is [virtual]: the device reports none of them)`);

    let msix: ImportedFunction['msix'];
    if (d.capsDenied) {
      warnings.push(`${bdf}: MSI-X unknown (lspci could not read the capabilities: run lspci as root)`);
    } else if (d.msixCount !== undefined) {
      if (d.table && d.pba) {
        msix = {
          vectors: d.msixCount,
          tableBar: d.table.bar,
          tableOffset: d.table.offset,
          pbaBar: d.pba.bar,
          pbaOffset: d.pba.offset,
        };
      } else {
        warnings.push(`${bdf}: MSI-X table or PBA location not shown (lspci -vv or -vvv shows it)`);
      }
    }
    // lspci names the class: PCI bridge [0604] and CardBus bridge [0607] have type 1 and 2 headers.
    const bridge = /^(?:PCI|CardBus) bridge\b/i.test(d.header) || /\[060[47]\]/.test(d.header.split(':')[0] ?? '');
    functions.push({
      bdf,
      vendorDevice,
      isVf: namedVf || allVirtual,
      bars: d.bars,
      msix,
      iommuGroup: d.iommuGroup,
      ...(bridge ? { bridge } : {}),
    });
  }
  return functions;
}

/** Builds the scenario from `lspci -vvv` text (pure). */
export function scenarioFromLspci(host: HostBasics, text: string): ImportResult {
  const warnings: string[] = [];
  const functions = parseLspci(text, warnings);
  return assembleScenario(host, functions, warnings);
}
