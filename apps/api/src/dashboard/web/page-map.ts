// The page map of a PE as SVG: host pages on the host's grid with each BAR where it lives,
// MSI-X table and PBA marked, vfio-pci's sub-page reservations, and the guest pages beside.
import { alignDown, alignUp } from '@barplane/domain/pci/page-math';
import type { BarDecisionWire, PeWire } from './api-types';
import { big, esc, hex, human } from './format';

export const MODE_COLOURS: Record<string, string> = {
  DIRECT: '#1e8e3e',
  DIRECT_PAGE_EXPANDED: '#12a4b8',
  PARTIAL_DIRECT: '#f2a600',
  EMULATED: '#d93025',
  PENDING: '#8e6bd1',
  ABSENT: '#9aa0a6',
  UNAVAILABLE: '#5f1a37',
  UNDECIDED: '#ffffff',
};

const isMem = (kind: string) => kind === 'mem32' || kind === 'mem64' || kind === 'rom';
const short = (bdf: string, index: number) => `${bdf.slice(-4)}/${index === 6 ? 'rom' : index}`;

const ROW = 30;
const GAP = 18;
const W = 280;
const HOST_X = 130;
const GUEST_X = HOST_X + W + 110;

/** A BAR where it lives, with what the picture says about it. */
interface BarInfo {
  key: string;
  bdf: string;
  index: number;
  kind: string;
  start: bigint;
  size: bigint;
  mode: string;
  decision?: Pick<BarDecisionWire, 'mode' | 'directRanges'>;
  msix?: PeWire['functions'][number]['msix'];
}

/** Something drawn in a column: a BAR, or vfio-pci's reservation of the rest of a BAR's page. */
type Item =
  | (BarInfo & { type: 'bar' })
  | { key: string; bdf: string; index: number; type: 'reservation'; start: bigint; size: bigint };

interface Row {
  start: bigint;
  end: bigint;
  items: Item[];
  run: boolean;
}

type PlacedRow = Row & { y: number; gapBefore: boolean };

/** Rows of a column: a run of whole pages held by one BAR, or one page holding sub-page things. */
function rowsOf(items: Item[], P: bigint): Row[] {
  const runs: Row[] = [];
  const pages = new Map<string, Row>();
  for (const it of items) {
    if (it.size >= P && it.start % P === 0n) {
      runs.push({ start: it.start, end: it.start + it.size, items: [it], run: true });
    } else {
      for (let p = alignDown(it.start, P); p < alignUp(it.start + it.size, P); p += P) {
        const key = p.toString();
        if (!pages.has(key)) pages.set(key, { start: p, end: p + P, items: [], run: false });
        pages.get(key)!.items.push(it);
      }
    }
  }
  return [...runs, ...pages.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Lays rows out top to bottom, with a gap marker where the addresses jump. */
function layout(rows: Row[], y0: number): { rows: PlacedRow[]; bottom: number } {
  let y = y0;
  let prevEnd: bigint | null = null;
  const out: PlacedRow[] = [];
  for (const r of rows) {
    const gap = prevEnd !== null && r.start !== prevEnd;
    if (gap) y += GAP;
    out.push({ ...r, y, gapBefore: gap });
    y += ROW + 6;
    prevEnd = r.end;
  }
  return { rows: out, bottom: y };
}

export interface PageMapInput {
  /** The PE view: functions with BARs, MSI-X and VFIO regions. */
  pe: Pick<PeWire, 'id' | 'functions'>;
  /** "bdf/index" -> its decision (stored, or planned). */
  decisions: Map<string, Pick<BarDecisionWire, 'mode' | 'directRanges'>>;
  /** "bdf/index" -> guest address, "0x...". */
  guest: Map<string, string>;
  pageSize: string;
  selected?: string | null;
  idPrefix?: string;
}

export function pageMapSvg({ pe, decisions, guest, pageSize, selected = null, idPrefix = 'pm' }: PageMapInput): string {
  const P = big(pageSize);
  const hostItems: Item[] = [];
  const guestItems: Item[] = [];
  const other: BarInfo[] = [];
  const barInfo = new Map<string, BarInfo>();
  for (const fn of pe.functions) {
    for (const bar of fn.bars) {
      const key = `${fn.bdf}/${bar.index}`;
      const d = decisions.get(key);
      const info: BarInfo = {
        key,
        bdf: fn.bdf,
        index: bar.index,
        kind: bar.kind,
        start: big(bar.address),
        size: big(bar.size),
        mode: d?.mode ?? 'UNDECIDED',
        decision: d,
        msix: fn.msix,
      };
      barInfo.set(key, info);
      if (!isMem(bar.kind) || info.size === 0n) {
        other.push(info);
        continue;
      }
      hostItems.push({ ...info, type: 'bar' });
      const g = guest.get(key);
      if (g) guestItems.push({ ...info, type: 'bar', start: big(g) });
    }
    for (const region of fn.vfio?.regions ?? []) {
      const r = region.subPageReservation;
      if (r)
        hostItems.push({
          key: `${fn.bdf}/${region.index}/res`,
          bdf: fn.bdf,
          index: region.index,
          type: 'reservation',
          start: big(r.start),
          size: big(r.size),
        });
    }
  }

  const top = 44;
  const host = layout(rowsOf(hostItems, P), top);
  const guestL = layout(rowsOf(guestItems, P), top);
  const otherY = Math.max(host.bottom, guestL.bottom) + 20;
  const height = otherY + (other.length ? 60 : 10);
  const width = GUEST_X + W + 130;
  const parts: string[] = [];
  const anchors = new Map<string, { host?: { x: number; y: number }; guest?: { x: number; y: number } }>();

  parts.push(`<defs>
    <pattern id="${idPrefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f1f3f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#80868b" stroke-width="2"/></pattern>
    <pattern id="${idPrefix}-table" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#fff"/><rect width="2" height="2" fill="#202124"/><rect x="2" y="2" width="2" height="2" fill="#202124"/></pattern>
  </defs>`);
  parts.push(`<text x="${HOST_X}" y="18" class="col-title">host physical (${human(P)} pages)</text>`);
  parts.push(`<text x="${GUEST_X}" y="18" class="col-title">guest physical</text>`);
  if (!guestItems.length)
    parts.push(`<text x="${GUEST_X}" y="${top + 18}" class="muted">no guest BAR programmed</text>`);

  const drawColumn = (rows: PlacedRow[], x0: number, side: 'host' | 'guest') => {
    for (const row of rows) {
      const x = (a: bigint) => x0 + Number(((a - row.start) * BigInt(W * 1000)) / (row.end - row.start)) / 1000;
      if (row.gapBefore)
        parts.push(`<text x="${x0 + W / 2}" y="${row.y - 5}" class="gap" text-anchor="middle">⋯</text>`);
      const pages = (row.end - row.start) / P;
      const lx = side === 'host' ? x0 - 8 : x0 + W + 8;
      parts.push(
        `<text x="${lx}" y="${row.y + 19}" class="addr" text-anchor="${side === 'host' ? 'end' : 'start'}">${esc(hex(row.start))}</text>`,
      );
      parts.push(
        `<rect class="page" x="${x0}" y="${row.y}" width="${W}" height="${ROW}" fill="#fff" stroke="#bdc1c6"/>`,
      );
      if (!row.run)
        for (let i = 1n; i * (P >= 0x10000n ? P / 16n : P / 4n) < P; i++) {
          // faint 4K (or quarter-page) ticks so a sub-page BAR's place reads at a glance
          const t = x(row.start + i * (P >= 0x10000n ? P / 16n : P / 4n));
          parts.push(`<line x1="${t}" y1="${row.y + ROW - 4}" x2="${t}" y2="${row.y + ROW}" stroke="#dadce0"/>`);
        }
      for (const it of row.items) {
        const x1 = x(it.start);
        const x2 = x(it.start + it.size > row.end ? row.end : it.start + it.size);
        const w = Math.max(3, x2 - x1);
        if (it.type === 'reservation') {
          parts.push(
            `<rect class="reservation" data-bdf="${esc(it.bdf)}" data-index="${it.index}" x="${x1}" y="${row.y + 3}" width="${w}" height="${ROW - 6}" fill="url(#${idPrefix}-hatch)" stroke="#80868b"><title>vfio-pci sub-page reservation ${hex(it.start)} +${hex(it.size)}</title></rect>`,
          );
          continue;
        }
        const colour = MODE_COLOURS[it.mode] ?? '#fff';
        const sel = selected === it.key ? ' selected' : '';
        const attrs =
          side === 'host'
            ? `class="bar${sel}" data-mode="${it.mode}" data-bdf="${esc(it.bdf)}" data-index="${it.index}"`
            : `class="guest-bar${sel}" data-guest-mode="${it.mode}" data-guest-bdf="${esc(it.bdf)}" data-guest-index="${it.index}"`;
        parts.push(
          `<rect ${attrs} x="${x1}" y="${row.y + 2}" width="${w}" height="${ROW - 4}" fill="${colour}" stroke="#202124" stroke-width="${sel ? 2.5 : 0.8}"><title>${esc(it.bdf)} BAR${it.index} ${it.kind} ${hex(it.start)} +${hex(it.size)} — ${it.mode}</title></rect>`,
        );
        if (side === 'guest' && it.decision) {
          // the KVM mapping: direct ranges from the guest address (a page for an expanded BAR)
          for (const r of it.decision.directRanges ?? []) {
            const a = it.start + big(r.offset);
            const b = a + big(r.size);
            if (b <= row.start || a >= row.end) continue;
            const rx1 = x(a < row.start ? row.start : a);
            const rx2 = x(b > row.end ? row.end : b);
            parts.push(
              `<rect class="direct-range" x="${rx1}" y="${row.y}" width="${Math.max(2, rx2 - rx1)}" height="${ROW}" fill="none" stroke="${MODE_COLOURS[it.mode]}" stroke-width="2" stroke-dasharray="5 3"/>`,
            );
          }
        }
        if (side === 'host' && it.msix) {
          const m = it.msix;
          const n = BigInt(m.vectors);
          const marks: [string, bigint, bigint, string, string][] = [];
          if (m.tableBar === it.index)
            marks.push(['msix-table', big(m.tableOffset), 16n * n, `url(#${idPrefix}-table)`, 'MSI-X table']);
          if (m.pbaBar === it.index && m.pbaOffset !== undefined)
            marks.push(['msix-pba', big(m.pbaOffset), ((n + 63n) / 64n) * 8n, '#202124', 'MSI-X PBA']);
          for (const [cls, off, len, fill, what] of marks) {
            const mx1 = x(it.start + off);
            const mw = Math.max(5, x(it.start + off + len) - mx1);
            parts.push(
              `<rect class="${cls}" data-bdf="${esc(it.bdf)}" data-index="${it.index}" x="${mx1}" y="${row.y + 2}" width="${mw}" height="${ROW - 4}" fill="${fill}" stroke="#202124" stroke-width="0.6"><title>${what} at offset ${hex(off)} (${hex(len)} bytes)</title></rect>`,
            );
          }
        }
        const text = short(it.bdf, it.index);
        const inside = w >= 40;
        parts.push(
          `<text x="${inside ? x1 + 4 : x1 + w + 3}" y="${row.y + ROW - 8}" class="${inside ? 'bar-label' : 'bar-label outside'}">${esc(text)}</text>`,
        );
        const a = anchors.get(it.key) ?? {};
        a[side] = { x: side === 'host' ? x1 + w : x1, y: row.y + ROW / 2 };
        anchors.set(it.key, a);
      }
      if (row.run)
        parts.push(
          `<text x="${x0 + W - 6}" y="${row.y + ROW - 9}" class="bar-label" text-anchor="end">${pages} pages</text>`,
        );
    }
  };
  drawColumn(host.rows, HOST_X, 'host');
  drawColumn(guestL.rows, GUEST_X, 'guest');
  for (const [key, a] of anchors) {
    if (!a.host || !a.guest) continue;
    const mode = barInfo.get(key)?.mode ?? '';
    const mx = (HOST_X + W + GUEST_X) / 2;
    parts.push(
      `<path class="link" d="M${HOST_X + W} ${a.host.y} C${mx} ${a.host.y} ${mx} ${a.guest.y} ${GUEST_X} ${a.guest.y}" fill="none" stroke="${MODE_COLOURS[mode] ?? '#9aa0a6'}" stroke-width="1.5" stroke-opacity="0.7"/>`,
    );
  }
  if (other.length) {
    parts.push(
      `<text x="${HOST_X}" y="${otherY + 4}" class="col-title">not in memory space (I/O ports, unimplemented)</text>`,
    );
    other.forEach((it, i) => {
      const x = HOST_X + i * 110;
      const sel = selected === it.key ? ' selected' : '';
      parts.push(
        `<rect class="bar${sel}" data-mode="${it.mode}" data-bdf="${esc(it.bdf)}" data-index="${it.index}" x="${x}" y="${otherY + 14}" width="100" height="${ROW - 4}" fill="${MODE_COLOURS[it.mode] ?? '#fff'}" stroke="#202124" stroke-width="${sel ? 2.5 : 0.8}"><title>${esc(it.bdf)} BAR${it.index} ${it.kind} ${hex(it.start)} +${hex(it.size)} — ${it.mode}</title></rect>`,
      );
      parts.push(
        `<text x="${x + 4}" y="${otherY + 14 + ROW - 12}" class="bar-label">${esc(short(it.bdf, it.index))} ${esc(it.kind)}</text>`,
      );
    });
  }
  return `<svg class="pagemap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="page map of PE ${esc(pe.id)}">${parts.join('')}</svg>`;
}

/** The legend, as HTML next to the picture. */
export function legendHtml() {
  const modes = Object.entries(MODE_COLOURS).filter(([m]) => m !== 'UNDECIDED');
  return `<div class="legend">${modes.map(([m]) => `<span class="swatch" data-mode="${m}"></span>${m}`).join(' ')}
    <span class="swatch msix-table-sw"></span>MSI-X table <span class="swatch msix-pba-sw"></span>PBA
    <span class="swatch reservation-sw"></span>vfio sub-page reservation <span class="swatch direct-sw"></span>KVM mapping (guest)</div>`;
}
