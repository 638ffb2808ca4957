import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQmpJson } from './qmp-json';
import { allDevices, readQueryPci } from './query-pci';

// Real query-pci answers captured from Debian's QEMU 7.2 (test/fixtures/qmp/README.md says how).
const fixture = (name: string) =>
  parseQmpJson(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'qmp', `${name}.query-pci.json`), 'utf8'),
  );

describe('readQueryPci', () => {
  it('reads q35 after SeaBIOS, with the e1000e behind its root port and the I/O BARs', () => {
    const read = readQueryPci(fixture('q35-seabios'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const all = allDevices(read.devices);
    expect(all.map((d) => d.qdevId)).toEqual(['', 'optane', 'nic82599', 'rp1', 'e1', '', '', '']);
    const e1 = all.find((d) => d.qdevId === 'e1')!;
    expect(e1).toMatchObject({ bus: 1, slot: 0, function: 0, classDesc: 'Ethernet controller' });
    expect(e1.regions.map((r) => [r.bar, r.type, r.address, r.size])).toEqual([
      [0, 'memory', 0xfe600000n, 0x20000n],
      [1, 'memory', 0xfe620000n, 0x20000n],
      [2, 'io', 0xc000n, 0x20n],
      [3, 'memory', 0xfe640000n, 0x4000n],
    ]);
    expect(all.find((d) => d.qdevId === 'rp1')!.bridged).toHaveLength(1);
    expect(all.find((d) => d.qdevId === 'optane')!.regions[0]).toMatchObject({ mem64: true, prefetch: false });
  });

  it('reads -1 (not decoded) as null: pseries with SLOF alone', () => {
    const read = readQueryPci(fixture('pseries-slof'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(allDevices(read.devices).flatMap((d) => d.regions.map((r) => r.address))).toEqual([null, null, null, null]);
  });

  it('keeps addresses above 2^53 exact and accepts a whole QMP answer', () => {
    const text =
      '{"return":[{"bus":0,"devices":[{"bus":0,"slot":1,"function":0,"qdev_id":"x","class_info":{"class":264},"id":{"device":16,"vendor":6966},"irq_pin":0,"regions":[{"bar":0,"type":"memory","address":18446744073709486080,"size":65536,"mem_type_64":true,"prefetch":false}]}]}]}';
    const read = readQueryPci(parseQmpJson(text));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.devices[0].regions[0].address).toBe(0xffffffffffff0000n);
  });

  it('names every problem with its path', () => {
    const bad = parseQmpJson(
      '[{"bus":0,"devices":[{"bus":0,"slot":40,"function":0,"qdev_id":3,"regions":[{"bar":7,"type":"mmio","address":-2,"size":0}]},{"bus":0,"slot":1,"function":0,"qdev_id":"a","regions":{}}]}]',
    );
    const read = readQueryPci(bad);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems.map((p) => p.path)).toEqual([
      '$[0].devices[0].qdev_id',
      '$[0].devices[0].regions[0].bar',
      '$[0].devices[0].regions[0].type',
      '$[0].devices[0].regions[0].address',
      '$[0].devices[0].regions[0].size',
      '$[0].devices[0].slot',
      '$[0].devices[1].regions',
    ]);
    expect(readQueryPci(parseQmpJson('{"error":{"class":"GenericError","desc":"x"}}'))).toEqual({
      ok: false,
      problems: [{ path: '$', message: expect.stringContaining('list of buses') }],
    });
  });
});
