import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestBarsFromQueryPci } from './guest-bars-body';
import { parseQmpJson } from './qmp-json';
import { QmpPciDevice, readQueryPci } from './query-pci';

const devices = (name: string): readonly QmpPciDevice[] => {
  const read = readQueryPci(
    parseQmpJson(
      readFileSync(
        join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'qmp', `${name}.query-pci.json`),
        'utf8',
      ),
    ),
  );
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.devices;
};
/** guestBarsFromQueryPci over the capture `name`, with `mapping` from qdev id to host BDF. */
const guestBars = (vmId: string, name: string, mapping: Record<string, string>) =>
  guestBarsFromQueryPci(vmId, devices(name), new Map(Object.entries(mapping)));

describe('guestBarsFromQueryPci (real captures)', () => {
  it("q35 after SeaBIOS: the mapped devices' memory BARs at their guest addresses, host BDFs, in BDF order", () => {
    const r = guestBars('x86-guest', 'q35-seabios', { optane: '0000:04:00.0', nic82599: '0000:03:00.0' });
    expect(r.body).toEqual({
      vmId: 'x86-guest',
      bars: [
        { bdf: '0000:03:00.0', index: 0, address: '0xfe800000' },
        { bdf: '0000:04:00.0', index: 0, address: '0xfe880000' },
      ],
    });
    expect(r.warnings).toEqual([
      'guest device 01:00.0 (Ethernet controller, id "e1") has no host function mapped: left out',
      "4 device(s) without a qdev id (the machine's own) left out: 00:00.0 Host bridge, 00:1f.0 ISA bridge, 00:1f.2 SATA controller, 00:1f.3 SMBus",
    ]);
  });

  it('walks through a root port and leaves the I/O BAR out', () => {
    const r = guestBars('vm', 'q35-seabios', { e1: '0000:05:00.0' });
    expect(r.body.bars).toEqual([
      { bdf: '0000:05:00.0', index: 0, address: '0xfe600000' },
      { bdf: '0000:05:00.0', index: 1, address: '0xfe620000' },
      { bdf: '0000:05:00.0', index: 3, address: '0xfe640000' },
    ]);
  });

  it('pseries with SLOF alone: every BAR null (SLOF decodes no device it does not boot from)', () => {
    const r = guestBars('p9-guest', 'pseries-slof', { ssd: '0001:03:00.0' });
    expect(r.body.bars).toEqual([
      { bdf: '0001:03:00.0', index: 0, address: null },
      { bdf: '0001:03:00.0', index: 2, address: null },
    ]);
    expect(r.warnings).toEqual([
      'guest device 00:01.0 (RAM controller, id "shm") has no host function mapped: left out',
    ]);
  });

  it('pseries under Linux (64K pages): every BAR placed, on 64K boundaries', () => {
    const r = guestBars('p9-guest', 'pseries-linux', { ssd: '0001:03:00.0', shm: '0002:02:01.2' });
    expect(r.body.bars).toEqual([
      { bdf: '0001:03:00.0', index: 0, address: '0x80000000' },
      { bdf: '0001:03:00.0', index: 2, address: '0x210000000000' },
      { bdf: '0002:02:01.2', index: 0, address: '0x80010000' },
      { bdf: '0002:02:01.2', index: 2, address: '0x210000100000' },
    ]);
    for (const b of r.body.bars) expect(BigInt(b.address!) % 0x10000n).toBe(0n);
  });

  it('names a mapping whose device query-pci does not show', () => {
    const r = guestBars('vm', 'pseries-linux', { ssd: '0001:03:00.0', gone: '0001:09:00.0' });
    expect(r.warnings).toContain('device id "gone" (mapped to 0001:09:00.0) is not in query-pci: nothing sent for it');
  });
});
