// Wire-form (JSON) host facts and topology for the owner tests: a POWER9 host with 64 KiB pages,
// a NIC + USB PE, and a PE whose BAR sits at the very top of the 64-bit space.
export function p9Host(id: string) {
  return { id, platform: 'powernv', pageSize: '0x10000' };
}

export const NIC = '0004:01:00.0';
export const USB = '0004:01:00.1';
export const TOP = '0005:01:00.0';

export const p9Pes = [
  {
    id: '0004:01',
    functions: [
      {
        bdf: NIC,
        bars: [
          { index: 0, kind: 'mem64', address: '0x3fe080000000', size: '0x10000' },
          { index: 2, kind: 'mem64', address: '0x3fe080020000', size: '0x20000' },
        ],
        msix: { tableBar: 0, tableOffset: '0x8000', vectors: 8 },
      },
      { bdf: USB, bars: [{ index: 0, kind: 'mem32', address: '0x3fe080010000', size: '0x1000' }] },
    ],
  },
  {
    id: '0005:01',
    functions: [{ bdf: TOP, bars: [{ index: 0, kind: 'mem64', address: '0xfffffffffffff000', size: '0x1000' }] }],
  },
];
