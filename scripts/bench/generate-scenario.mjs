// Deterministic synthetic scenario for `npm run bench`: one 64K-page host with thousands of
// PEs, a mix of BAR kinds and sizes, packed host pages and a VM with half of the PEs.
// Same seed -> byte-identical file, so benchmark runs compare like with like.

const PAGE = 0x10000n;
const U64_END = 1n << 64n;

/** mulberry32: tiny, fast, good enough for test data (Math.random cannot be seeded). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

const hex = (v) => '0x' + v.toString(16);
const alignUp = (v, a) => (v + a - 1n) & ~(a - 1n);
const pow2 = (exp) => 1n << BigInt(exp);

/**
 * A bump allocator over one address range. `pageAligned` gives a sub-page BAR a page of its
 * own (start on a page, rest of the page free: mmap-eligible); otherwise BARs are packed at
 * their natural alignment, which is what makes HOST_SUBPAGE_UNALIGNED and
 * HOST_PAGE_REMAINDER_BUSY fire.
 */
class Space {
  constructor(name, base, limit) {
    Object.assign(this, { name, cursor: base, limit });
  }
  place(size, pageAligned) {
    const own = pageAligned && size < PAGE;
    const at = alignUp(this.cursor, own ? PAGE : size);
    this.cursor = at + (own ? PAGE : size);
    if (this.cursor > this.limit) throw new Error(`bench generator: ${this.name} space exhausted`);
    return at;
  }
  /** Start the next packed run on a page boundary, so its first BAR has a busy remainder. */
  toPage() {
    this.cursor = alignUp(this.cursor, PAGE);
  }
}

const VENDORS = ['15b3:1017', '8086:10fb', '144d:a808', '10de:1db6', '1b4b:9230', '8086:1572', '14e4:16d7'];
/** Vector counts of real devices; a table must leave room for the PBA (see msixFor). */
const VECTORS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 2048];

/**
 * @param {object} o
 * @param {number} [o.seed]
 * @param {number} [o.pes] PE count
 * @param {number} [o.functionsPerPe]
 * @param {'arm64'|'powernv'} [o.platform] arm64 -> `virt` VM (MSI-X emulated), powernv -> `pseries`
 * @param {number} [o.highPes] the last N PEs live just below 2^64 (proves bigint paths)
 * @returns the scenario as JSON-ready data (addresses as "0x..." strings)
 */
export function generateScenario({
  seed = 0xba2,
  pes: peCount = 2500,
  functionsPerPe = 4,
  platform = 'arm64',
  highPes = 4,
} = {}) {
  const rng = prng(seed);
  const spaces = {
    // 32-bit BARs sit above 4G, as CPU addresses do on PowerNV (bus addresses are offset).
    mem32: new Space('mem32', 0x6000_0000_0000n, 0x6100_0000_0000n),
    mem64: new Space('mem64', 0x6100_0000_0000n, 0x7000_0000_0000n),
    io: new Space('io', 0x1000n, 0x1_0000_0000n),
    // 4G just below 2^64: every size here is capped at 1M so the few high PEs fit.
    top: new Space('top', 0xffff_ffff_0000_0000n, U64_END),
  };
  const guestLow = new Space('guest', 0x80_0000_0000n, 0xf000_0000_0000n);
  const guestTop = new Space('guest-top', 0xffff_ffff_8000_0000n, U64_END);
  const reservedRanges = [];
  const pes = [];
  const assignedPes = [];
  const guestBars = [];

  for (let p = 0; p < peCount; p++) {
    const high = p >= peCount - highPes;
    // PowerNV-style PE id: one bus per PE, 256 buses per domain.
    const domain = (p >> 8).toString(16).padStart(4, '0');
    const bus = (p & 0xff).toString(16).padStart(2, '0');
    const pe = { id: `${domain}:${bus}`, functions: [] };
    const r = rng.next();
    if (r < 0.03) pe.alignment = 'page';
    else if (r < 0.05) pe.alignment = 'none';
    // A fifth of the PEs have their small BARs packed together, like a firmware that
    // aligns BARs only to their own size.
    const packed = rng.chance(0.2);
    if (packed) for (const s of Object.values(spaces)) s.toPage();
    const multiDevice = rng.chance(0.5); // 00.0-00.3 (multi-function) or 00.0, 01.0, ...
    for (let f = 0; f < functionsPerPe; f++) {
      const dev = multiDevice ? f % 32 : Math.floor(f / 8);
      const bdf = `${pe.id}:${dev.toString(16).padStart(2, '0')}.${multiDevice ? 0 : f % 8}`;
      pe.functions.push(makeFunction(rng, bdf, high, packed, spaces, reservedRanges));
    }
    pes.push(pe);
    // Exactly half of the PEs go to the VM: one of each pair, chosen by the PRNG.
    if ((p & 1) === 0) assignedPes.push(rng.chance(0.5) ? p : p + 1);
  }
  const assigned = new Set(assignedPes.filter((p) => p < peCount));
  for (const p of assigned) {
    const guest = p >= peCount - highPes ? guestTop : guestLow;
    for (const fn of pes[p].functions) placeGuest(rng, fn, guest, guestBars);
  }

  const vm = {
    id: 'vm-bench',
    machine: platform === 'powernv' ? 'pseries' : 'virt',
    memslotsUsed: 400,
    assignedPes: [...assigned].sort((a, b) => a - b).map((p) => pes[p].id),
    guestBars,
  };
  return {
    host: {
      id: `bench-${platform}-64k`,
      platform,
      pageSize: hex(PAGE),
      // defaultPageAlignment off: with it a PowerNV kernel would never leave BARs unaligned.
      kernel: { subPageMmap: true, msixMappable: true, sparseMmap: false, defaultPageAlignment: false },
      reservedRanges,
    },
    pes,
    vm,
  };
}

/** BARs 0..5 filled left to right with random kinds (mem64 takes two registers), maybe a ROM. */
function makeFunction(rng, bdf, high, packed, spaces, reservedRanges) {
  const bars = [];
  const want = rng.int(1, 5);
  let index = 0;
  while (bars.length < want && index <= 5) {
    const r = rng.next();
    let kind = r < 0.45 ? 'mem32' : r < 0.75 ? 'mem64' : r < 0.85 ? 'io' : 'zero';
    if (kind === 'mem64' && index === 5) kind = 'mem32';
    bars.push(makeBar(rng, index, kind, high, packed, spaces, reservedRanges));
    index += kind === 'mem64' ? 2 : 1;
    if (rng.chance(0.15)) index++; // an unused register, as on many real devices
  }
  if (rng.chance(0.2)) bars.push(makeBar(rng, 6, 'rom', high, packed, spaces, reservedRanges));
  const fn = { bdf, vendorDevice: rng.pick(VENDORS), bars };
  const msix = msixFor(rng, bars);
  if (msix) fn.msix = msix;
  return fn;
}

function makeBar(rng, index, kind, high, packed, spaces, reservedRanges) {
  if (kind === 'zero') return { index, kind: 'mem32', address: '0x0', size: '0x0' };
  const cap = high ? 20 : 64; // log2 of the largest size near 2^64
  const exp = {
    // Mostly sub-page (NIC, USB, audio registers), some larger.
    mem32: () => (rng.chance(0.8) ? rng.int(8, 15) : rng.int(16, 24)),
    mem64: () => rng.int(14, 30),
    io: () => rng.int(2, 8),
    rom: () => rng.int(11, 17),
  }[kind]();
  const size = pow2(Math.min(exp, cap));
  const space = kind === 'io' ? spaces.io : high ? spaces.top : kind === 'mem64' ? spaces.mem64 : spaces.mem32;
  // I/O ports have no pages; only memory BARs get a page of their own.
  const address = space.place(size, !packed && kind !== 'io');
  // Now and then something outside the PCI tree sits in the free rest of the page.
  if (!packed && kind === 'mem32' && size <= PAGE / 2n && rng.chance(0.005)) {
    reservedRanges.push({ start: hex(address + PAGE / 2n), size: '0x1000' });
  }
  const bar = { index, kind, address: hex(address), size: hex(size) };
  if (kind === 'mem64' || (kind === 'rom' && rng.chance(0.5))) bar.prefetchable = true;
  return bar;
}

/** Half of the functions get MSI-X: table in a mem BAR, PBA after it or in another mem BAR. */
function msixFor(rng, bars) {
  const mem = bars.filter((b) => (b.kind === 'mem32' || b.kind === 'mem64') && b.size !== '0x0');
  if (mem.length === 0 || !rng.chance(0.5)) return undefined;
  const table = rng.pick(mem);
  const size = BigInt(table.size);
  // Table <= S/4 and PBA (at most 16N bytes) in the next quarter: both always fit.
  const vectors = rng.pick(VECTORS.filter((n) => 16n * BigInt(n) <= size / 4n).concat([1]));
  const tableOffset = rng.chance(0.5) ? 0n : size / 2n;
  const other = mem.find((b) => b !== table);
  if (other && rng.chance(0.2)) {
    return { tableBar: table.index, tableOffset: hex(tableOffset), vectors, pbaBar: other.index, pbaOffset: '0x0' };
  }
  return {
    tableBar: table.index,
    tableOffset: hex(tableOffset),
    vectors,
    pbaBar: table.index,
    pbaOffset: hex(tableOffset + size / 4n),
  };
}

/**
 * Guest addresses for most mem BARs of an assigned function. Per function the guest either
 * page-aligns every BAR, packs them at natural alignment (sub-page BARs share a page), or
 * puts sub-page BARs off the page start.
 */
function placeGuest(rng, fn, guest, guestBars) {
  const r = rng.next();
  const style = r < 0.6 ? 'aligned' : r < 0.85 ? 'packed' : 'offset';
  if (style === 'packed') guest.toPage();
  for (const bar of fn.bars) {
    if ((bar.kind !== 'mem32' && bar.kind !== 'mem64') || bar.size === '0x0' || rng.chance(0.1)) continue;
    const size = BigInt(bar.size);
    let at;
    if (style === 'packed') at = guest.place(size, false);
    else if (style === 'offset' && size < PAGE) at = guest.place(PAGE, true) + size;
    else at = guest.place(size, true);
    guestBars.push({ bdf: fn.bdf, index: bar.index, address: hex(at) });
  }
}
