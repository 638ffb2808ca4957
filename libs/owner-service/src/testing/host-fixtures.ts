// Wire-form (JSON) host facts and topology for the owner tests: a POWER9 host with 64 KiB pages,
// a NIC + USB PE, and a PE whose BAR sits at the very top of the 64-bit space.
export function p9Host(id: string) {
  return { id, platform: 'powernv', pageSize: '0x10000' };
}

export const NIC = '0004:01:00.0';
export const USB = '0004:01:00.1';
export const TOP = '0005:01:00.0';

/** A PE in wire form (a scenario's `pes`, the body of PUT /v1/hosts/{id}/topology): its id and its functions. */
export const wirePe = <F extends object>(id: string, ...functions: F[]) => ({ id, functions });

/** A BAR in wire form. */
export const wireBar = (index: number, kind: string, address: string, size: string) => ({ index, kind, address, size });

export const p9Pes = [
  wirePe(
    '0004:01',
    {
      bdf: NIC,
      bars: [wireBar(0, 'mem64', '0x3fe080000000', '0x10000'), wireBar(2, 'mem64', '0x3fe080020000', '0x20000')],
      msix: { tableBar: 0, tableOffset: '0x8000', vectors: 8 },
    },
    { bdf: USB, bars: [wireBar(0, 'mem32', '0x3fe080010000', '0x1000')] },
  ),
  wirePe('0005:01', { bdf: TOP, bars: [wireBar(0, 'mem64', '0xfffffffffffff000', '0x1000')] }),
];
