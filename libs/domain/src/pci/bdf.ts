/** PCI function address `dddd:bb:dd.f`, kept in its canonical lowercase form. */
const BDF = /^(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,4}):([0-9a-f]{1,4})\.([0-9a-f]{1,2})$/i;
/** Already canonical and in range (device 0..1f, function 0..7): most BDFs, read as they are. */
const CANONICAL = /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/;

export interface BdfParts {
  domain: number;
  bus: number;
  device: number;
  fn: number;
}

export type BdfParse = { ok: true; bdf: string } | { ok: false; problem: string };

/** Parses `dddd:bb:dd.f` (domain optional, hex, any case) and checks each part's range. */
export function parseBdf(text: string): BdfParse {
  if (CANONICAL.test(text)) return { ok: true, bdf: text };
  const m = BDF.exec(text);
  if (!m) return { ok: false, problem: `"${text}" is not a BDF of the form dddd:bb:dd.f` };
  const parts: BdfParts = {
    domain: m[1] === undefined ? 0 : parseInt(m[1], 16),
    bus: parseInt(m[2], 16),
    device: parseInt(m[3], 16),
    fn: parseInt(m[4], 16),
  };
  const out: string[] = [];
  if (parts.domain > 0xffff) out.push('domain above 0xffff');
  if (parts.bus > 0xff) out.push('bus above 0xff');
  if (parts.device > 0x1f) out.push('device above 0x1f');
  if (parts.fn > 7) out.push('function above 7');
  if (out.length) return { ok: false, problem: `BDF "${text}" out of range: ${out.join(', ')}` };
  return { ok: true, bdf: formatBdf(parts) };
}

export function formatBdf(p: BdfParts): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(p.domain, 4)}:${hex(p.bus, 2)}:${hex(p.device, 2)}.${p.fn}`;
}

/** Plain code-point order, never locale order (domain.md, "Words"). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
