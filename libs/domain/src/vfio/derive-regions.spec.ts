import { RW, RWM, region } from '../testing/region-builder';
import { bar, fn, host, pe, ranges } from '../testing/scenario-builder';
import { deriveRegions } from './derive-regions';

const P64 = host('powernv', 0x10000n);
const old = (h = P64) => ({ ...h, kernel: { ...h.kernel, msixMappable: false, sparseMmap: true } });
/** A memory BAR, an I/O BAR and a ROM of one function. */
const mem = bar(0, 'mem64', 0xf0000000n, 0x10000n);
const io = bar(2, 'io', 0x1000n, 0x20n);
const rom = bar(6, 'rom', 0xf0080000n, 0x80000n);

describe('deriveRegions: region info (R1.2)', () => {
  it('gives one region per BAR the function has, at index << 40, in index order', () => {
    const f = fn('0000:01:00.0', [rom, io, mem, bar(3, 'mem32', 0n, 0n)]);
    expect(deriveRegions(P64, f)).toEqual([
      { index: 0, offset: 0n, size: 0x10000n, flags: ['READ', 'WRITE', 'MMAP'], caps: [] },
      { index: 2, offset: 0x20000000000n, size: 0x20n, flags: ['READ', 'WRITE'], caps: [] },
      { index: 3, offset: 0x30000000000n, size: 0n, flags: [], caps: [] },
      { index: 6, offset: 0x60000000000n, size: 0x80000n, flags: ['READ'], caps: [] },
    ]);
  });
});

describe('deriveRegions: a kernel that cannot bind vfio-pci', () => {
  it('gives no region at all: there is no device fd to ask (POWER 5.19-6.3)', () => {
    const f = fn('0000:01:00.0', [mem, io, rom]);
    expect(deriveRegions({ ...P64, kernel: { ...P64.kernel, vfioPci: false } }, f)).toEqual([]);
    expect(deriveRegions(P64, f)).toHaveLength(3);
  });
});

describe('deriveRegions: sub-page BARs (R1.1)', () => {
  const small = fn('0000:01:00.0', [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)]);

  it('mmaps a page-aligned sub-page BAR whose page is otherwise free, and reserves the rest of the page', () => {
    expect(deriveRegions(P64, small)).toEqual([
      region(0, 0x1000n, RWM, { subPageReservation: { start: 0x3fe080011000n, size: 0xf000n } }),
    ]);
  });

  it('does not mmap an unaligned sub-page BAR, nor any on a kernel without subPageMmap', () => {
    const unaligned = fn('0000:01:00.0', [bar(0, 'mem32', 0xf0001000n, 0x1000n)]);
    expect(deriveRegions(P64, unaligned)[0]).toEqual(region(0, 0x1000n, RW));
    const k46 = { ...P64, kernel: { ...P64.kernel, subPageMmap: false } };
    expect(deriveRegions(k46, small)[0].flags).toEqual(['READ', 'WRITE']);
  });

  it('does not mmap when another function (even of the same PE) or a reserved range uses the rest of the page', () => {
    const sibling = fn('0000:01:00.1', [bar(0, 'mem32', 0x3fe080018000n, 0x1000n)]);
    const regions = deriveRegions(P64, small, [pe('0000:01', [small, sibling])]);
    expect(regions[0]).toEqual(region(0, 0x1000n, RW));
    const reserved = { ...P64, reservedRanges: [{ start: 0x3fe08001f000n, end: 0x3fe080020000n }] };
    expect(deriveRegions(reserved, small)[0].flags).toEqual(['READ', 'WRITE']);
  });
});

describe('deriveRegions: MSI-X (R1.5)', () => {
  const nvme = (h = host('x86_64', 0x1000n)) => ({
    h,
    f: fn('0000:02:00.0', [bar(0, 'mem64', 0xfe000000n, 0x4000n)], {
      msix: { tableBar: 0, tableOffset: 0x2000n, vectors: 32, pbaBar: 0, pbaOffset: 0x3000n },
    }),
  });

  it('reports MSIX_MAPPABLE on an mmap-capable table BAR since 4.16', () => {
    const { h, f } = nvme();
    expect(deriveRegions(h, f)[0].caps).toEqual(['MSIX_MAPPABLE']);
  });

  it('reports no capability on a table BAR that cannot be mmapped', () => {
    const f = fn('0000:02:00.0', [bar(0, 'mem32', 0xf0001000n, 0x1000n)], {
      msix: { tableBar: 0, tableOffset: 0n, vectors: 4 },
    });
    expect(deriveRegions(P64, f)[0]).toEqual(region(0, 0x1000n, RW));
  });

  it('cuts the table pages out as SPARSE_MMAP areas before 4.16', () => {
    const { h, f } = nvme();
    expect(deriveRegions(old(h), f)[0]).toEqual(
      region(0, 0x4000n, RWM, { caps: ['SPARSE_MMAP'], sparseAreas: ranges([0n, 0x2000n], [0x3000n, 0x1000n]) }),
    );
    const atZero = fn('0000:03:00.0', [bar(4, 'mem64', 0xfe100000n, 0x4000n)], {
      msix: { tableBar: 4, tableOffset: 0n, vectors: 64 },
    });
    expect(deriveRegions(old(h), atZero)[0].sparseAreas).toEqual([{ offset: 0x1000n, size: 0x3000n }]);
  });

  it('leaves one zero-size area when the table page covers the whole BAR, as the kernel did', () => {
    const { f } = nvme();
    expect(deriveRegions(old(), f)[0]).toEqual(
      region(0, 0x4000n, RWM, {
        caps: ['SPARSE_MMAP'],
        sparseAreas: ranges([0n, 0n]),
        subPageReservation: { start: 0xfe004000n, size: 0xc000n },
      }),
    );
  });
});
