import { mergeMappings, parseMapOptions } from './qdev-mapping';
import { qdevMappingsFromLibvirt } from './libvirt-mapping';

describe('parseMapOptions', () => {
  it('reads QDEV_ID=BDF into canonical BDFs (domain optional)', () => {
    expect(parseMapOptions(['hostdev0=0001:03:00.0', 'nic=03:00.1']).mappings).toEqual([
      { id: 'hostdev0', bdf: '0001:03:00.0', source: '--map' },
      { id: 'nic', bdf: '0000:03:00.1', source: '--map' },
    ]);
  });

  it('reports every bad entry with its position', () => {
    const r = parseMapOptions(['nobdf', '=0000:01:00.0', 'a=0000:01:20.0', 'b=0000:01:00.0', 'b=0000:02:00.0']);
    expect(r.problems.map((p) => p.path)).toEqual(['--map[0]', '--map[1]', '--map[2]', '--map[4]']);
    expect(r.problems[2].message).toContain('device above 0x1f');
    expect(r.problems[3].message).toContain('mapped twice');
  });
});

describe('mergeMappings', () => {
  it('lets a later source win, with a warning when it disagrees', () => {
    const r = mergeMappings(
      [{ id: 'hostdev0', bdf: '0000:01:00.0', source: 'qom-get host' }],
      [{ id: 'hostdev0', bdf: '0000:02:00.0', source: '--map' }],
    );
    expect(r.map.get('hostdev0')).toBe('0000:02:00.0');
    expect(r.warnings).toEqual([
      'device id "hostdev0": --map says 0000:02:00.0, qom-get host said 0000:01:00.0; --map wins',
    ]);
  });

  it('refuses two devices on one host function', () => {
    const r = mergeMappings([
      { id: 'a', bdf: '0000:01:00.0', source: '--map' },
      { id: 'b', bdf: '0000:01:00.0', source: '--map' },
    ]);
    expect(r.problems).toEqual([
      { path: '--map', message: expect.stringContaining('0000:01:00.0 is mapped from 2 devices (a, b)') },
    ]);
  });
});

describe('qdevMappingsFromLibvirt', () => {
  it('maps each PCI hostdev alias to its source address', () => {
    const xml = `<domain type='kvm'><name>vm1</name><devices>
      <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0001' bus='0x03' slot='0x00' function='0x0'/></source><alias name='hostdev0'/></hostdev>
      <interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x05' slot='0x10' function='0x2'/></source><alias name='ua-vf'/></interface>
    </devices></domain>`;
    expect(qdevMappingsFromLibvirt(xml).mappings).toEqual([
      { id: 'hostdev0', bdf: '0001:03:00.0', source: 'libvirt' },
      { id: 'ua-vf', bdf: '0000:05:10.2', source: 'libvirt' },
    ]);
    expect(qdevMappingsFromLibvirt('<nope/>').problems.length).toBeGreaterThan(0);
  });
});
