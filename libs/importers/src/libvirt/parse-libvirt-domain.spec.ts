import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LibvirtDomain } from './libvirt-domain';
import { machineOfLibvirtType } from './libvirt-machine';
import { parseLibvirtDomain } from './parse-libvirt-domain';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'libvirt');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

function domainOf(xml: string): { domain: LibvirtDomain; warnings: readonly string[] } {
  const read = parseLibvirtDomain(xml);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read;
}

const NS = "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
const hostdev = (bus: string, fn: string, extra = '') =>
  `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='${bus}' slot='0x00' function='${fn}'/></source>${extra}</hostdev>`;
const q35 = (devices: string, tail = '', ns = NS) =>
  `<domain type='kvm' ${ns}><name>vm1</name><os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os><devices>${devices}</devices>${tail}</domain>`;

describe("parseLibvirtDomain on libvirt's own XML", () => {
  it('reads the pseries test domain: name, uuid, machine, both hostdevs and the VF given as <interface type=hostdev>', () => {
    const { domain } = domainOf(fixture('libvirt-pseries-hostdevs-1.xml'));
    expect(domain).toMatchObject({
      name: 'guest',
      uuid: '1ccfd97d-5eb4-478a-bbe6-88d254c16db7',
      machine: 'pseries',
      machineType: 'pseries',
    });
    expect(domain.hostdevs.map((h) => [h.bdf, h.element, h.alias, h.aliasPredicted, h.managed, h.at])).toEqual([
      ['0001:01:00.0', 'hostdev', 'hostdev0', true, true, '/domain/devices/hostdev[1]'],
      ['0001:01:00.1', 'hostdev', 'hostdev1', true, true, '/domain/devices/hostdev[2]'],
      ['0005:90:01.0', 'interface', 'hostdev2', true, true, '/domain/devices/interface[1]'],
    ]);
  });

  it("takes the QEMU device id from the live XML's <alias> (a hot-plugged hostdev), and refuses its i440fx machine by name", () => {
    const read = parseLibvirtDomain(fixture('libvirt-hotplug-live-hostdev-pci.xml'));
    expect(read).toEqual({
      ok: false,
      problems: [
        {
          path: '/domain/os/type/@machine',
          message: 'machine "pc" is not one barplane models: pseries (pseries-*), q35 (pc-q35-*) or virt (virt-*)',
        },
      ],
    });
    // The same document on a q35 machine: everything else is read as libvirt wrote it.
    const { domain } = domainOf(
      fixture('libvirt-hotplug-live-hostdev-pci.xml').replace("machine='pc'", "machine='pc-q35-9.2'"),
    );
    expect(domain.hostdevs).toEqual([
      {
        bdf: '0000:06:12.2',
        element: 'hostdev',
        at: '/domain/devices/hostdev[1]',
        alias: 'hostdev0',
        aliasPredicted: false,
        managed: true,
      },
    ]);
    expect(domain.machine).toBe('q35');
  });

  it('reads a PCI domain above 0 (hostdev-vfio-multidomain)', () => {
    const { domain } = domainOf(
      fixture('libvirt-hostdev-vfio-multidomain.xml').replace("machine='pc'", "machine='q35'"),
    );
    expect(domain.hostdevs.map((h) => h.bdf)).toEqual(['0021:de:1f.1']);
  });

  it("reads what Debian's virsh 9.0.0 printed: the user alias, and managed='no' where libvirt filled it in", () => {
    const { domain, warnings } = domainOf(fixture('debian-virsh-test-driver-q35.xml'));
    expect(domain).toMatchObject({
      name: 'nvme-q35',
      uuid: '5f0c7e3a-2d6b-4a51-9c1e-8b7d2f4a6c01',
      machine: 'q35',
      machineType: 'pc-q35-7.2',
    });
    expect(domain.hostdevs.map((h) => [h.bdf, h.alias, h.aliasPredicted, h.managed])).toEqual([
      ['0000:01:00.0', 'ua-nvme0', false, true],
      ['0000:02:00.0', 'hostdev0', true, false],
    ]);
    expect(warnings).toEqual([expect.stringContaining('hostdevN libvirt gives when the domain starts')]);
    // The input's override (kept out of the output by the test driver) is read from the definition itself.
    expect(domainOf(fixture('debian-virsh-test-driver-q35.input.xml')).domain.hostdevs[0].msixRelocation).toEqual({
      value: 'bar2',
      source: 'override',
    });
  });
});

describe('machine types', () => {
  it.each([
    ['q35', 'q35'],
    ['pc-q35-8.2', 'q35'],
    ['pseries', 'pseries'],
    ['pseries-9.0', 'pseries'],
    ['virt', 'virt'],
    ['virt-8.2', 'virt'],
    ['pc', undefined],
    ['pc-i440fx-8.2', undefined],
    ['powernv9', undefined],
    ['virtio', undefined],
    ['pc-q35-', undefined],
  ])('%s -> %s', (type, machine) => expect(machineOfLibvirtType(type)).toBe(machine));
});

describe('qemu namespace overrides', () => {
  const override = (alias: string, props: string) =>
    `<qemu:override><qemu:device alias='${alias}'><qemu:frontend>${props}</qemu:frontend></qemu:device></qemu:override>`;

  it('reads x-msix-relocation and x-no-mmap from <qemu:override> for the device of that alias', () => {
    const xml = q35(
      hostdev('0x01', '0x0', "<alias name='hostdev0'/>") + hostdev('0x02', '0x0', "<alias name='hostdev1'/>"),
      override(
        'hostdev0',
        "<qemu:property name='x-msix-relocation' type='string' value='bar2'/><qemu:property name='x-no-mmap' type='bool' value='true'/>",
      ),
    );
    const [a, b] = domainOf(xml).domain.hostdevs;
    expect(a).toMatchObject({
      msixRelocation: { value: 'bar2', source: 'override' },
      noMmap: { value: true, source: 'override' },
    });
    expect(b.msixRelocation).toBeUndefined();
    expect(b.noMmap).toBeUndefined();
  });

  it("follows the prefix the root binds to libvirt's namespace, and ignores a qemu: prefix bound to nothing", () => {
    const props = "<q:property name='x-msix-relocation' type='string' value='bar4'/>";
    const bound = `<domain xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><name>v</name><devices>${hostdev('0x01', '0x0', "<alias name='ua-a'/>")}</devices><q:override><q:device alias='ua-a'><q:frontend>${props}</q:frontend></q:device></q:override></domain>`;
    expect(domainOf(bound).domain.hostdevs[0].msixRelocation?.value).toBe('bar4');
    const unbound = q35(
      hostdev('0x01', '0x0', "<alias name='ua-a'/>"),
      override('ua-a', "<qemu:property name='x-msix-relocation' type='string' value='bar4'/>"),
      '',
    );
    expect(domainOf(unbound).domain.hostdevs[0].msixRelocation).toBeUndefined();
  });

  it('reads the older <qemu:commandline> -set and -global forms, -set over -global, <qemu:override> over both', () => {
    const args = [
      '-global',
      'vfio-pci.x-msix-relocation=bar1',
      '-set',
      'device.hostdev1.x-msix-relocation=bar3',
      '-set',
      'device.hostdev2.x-msix-relocation=bar5',
    ]
      .map((v) => `<qemu:arg value='${v}'/>`)
      .join('');
    const xml = q35(
      ['0x01', '0x02', '0x03'].map((bus, i) => hostdev(bus, '0x0', `<alias name='hostdev${i}'/>`)).join(''),
      `<qemu:commandline>${args}</qemu:commandline>` +
        override('hostdev2', "<qemu:property name='x-msix-relocation' type='string' value='bar0'/>"),
    );
    const { domain, warnings } = domainOf(xml);
    expect(domain.hostdevs.map((h) => h.msixRelocation)).toEqual([
      { value: 'bar1', source: 'global' },
      { value: 'bar3', source: 'set' },
      { value: 'bar0', source: 'override' },
    ]);
    expect(warnings.filter((w) => w.includes('-set'))).toHaveLength(2);
  });

  it("treats type='remove' as QEMU's default (off), and refuses auto, an unknown BAR and a non-boolean x-no-mmap, each at its path", () => {
    const removed = q35(
      hostdev('0x01', '0x0', "<alias name='ua-a'/>"),
      override('ua-a', "<qemu:property name='x-msix-relocation' type='remove'/>"),
    );
    expect(domainOf(removed).domain.hostdevs[0].msixRelocation).toEqual({ value: 'off', source: 'override' });
    const bad = q35(
      hostdev('0x01', '0x0', "<alias name='ua-a'/>"),
      override(
        'ua-a',
        "<qemu:property name='x-msix-relocation' type='string' value='auto'/><qemu:property name='x-no-mmap' type='bool' value='maybe'/>",
      ) + override('ua-b', "<qemu:property name='x-msix-relocation' type='string' value='bar6'/>"),
    );
    const read = parseLibvirtDomain(bad);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual([
      {
        path: "/domain/qemu:override/qemu:device[@alias='ua-a']/qemu:frontend/qemu:property[@name='x-msix-relocation']",
        message: expect.stringMatching(/^x-msix-relocation="auto": QEMU picks the BAR itself/),
      },
      {
        path: "/domain/qemu:override/qemu:device[@alias='ua-a']/qemu:frontend/qemu:property[@name='x-no-mmap']",
        message: 'x-no-mmap="maybe" is not a boolean (true/false, on/off)',
      },
      {
        path: "/domain/qemu:override/qemu:device[@alias='ua-b']/qemu:frontend/qemu:property[@name='x-msix-relocation']",
        message: expect.stringContaining('"bar6": not one of off, bar0'),
      },
    ]);
  });

  it('says when an override names a device that is none of the hostdevs', () => {
    const xml = q35(
      hostdev('0x01', '0x0', "<alias name='ua-a'/>"),
      override('ua-zz', "<qemu:property name='x-no-mmap' type='bool' value='true'/>"),
    );
    expect(domainOf(xml).warnings).toEqual([
      expect.stringContaining('"ua-zz", which is none of this domain\'s PCI hostdevs'),
    ]);
  });
});

describe('what is refused', () => {
  it('refuses a DOCTYPE and entity declarations without expanding them (billion laughs, external entities)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><domain><name>&b;</name></domain>`;
    const external = `<!DOCTYPE domain [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain><name>&x;</name></domain>`;
    for (const xml of [laughs, external]) {
      expect(parseLibvirtDomain(xml)).toEqual({
        ok: false,
        problems: [{ path: '/', message: expect.stringContaining('DOCTYPE or entity declaration') }],
      });
    }
  });

  it('refuses a document over the size bound, one that is not well-formed, one nested too deep, and another root element', () => {
    expect(parseLibvirtDomain(q35(' '.repeat(1 << 20)))).toMatchObject({
      ok: false,
      problems: [{ path: '/', message: expect.stringContaining('a domain XML is at most') }],
    });
    expect(parseLibvirtDomain('<domain><name>x</domain>')).toMatchObject({
      ok: false,
      problems: [{ path: '/', message: expect.stringContaining('not well-formed XML') }],
    });
    expect(parseLibvirtDomain(`<domain>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</domain>`)).toMatchObject({
      ok: false,
      problems: [{ path: '/' }],
    });
    expect(parseLibvirtDomain('<network><name>default</name></network>')).toEqual({
      ok: false,
      problems: [{ path: '/', message: 'not a libvirt domain XML: the root element is <network>, not <domain>' }],
    });
  });

  it('names every problem of the domain at its XPath: no name, an address out of range, a function given twice', () => {
    const xml = `<domain><devices>${hostdev('0x01', '0x8')}${hostdev('0x02', '0x0')}${hostdev('0x02', '0x0')}<hostdev mode='subsystem' type='pci'><source/></hostdev></devices></domain>`;
    const read = parseLibvirtDomain(xml);
    expect(!read.ok && read.problems).toEqual([
      { path: '/domain/name', message: 'is missing or empty: it is the VM id' },
      {
        path: '/domain/devices/hostdev[1]/source/address',
        message: expect.stringContaining('function missing or out of range'),
      },
      {
        path: '/domain/devices/hostdev[4]/source',
        message: 'no <address domain bus slot function> of the host function',
      },
      {
        path: '/domain/devices/hostdev[3]/source/address',
        message: '0000:02:00.0 is given twice (also /domain/devices/hostdev[2])',
      },
    ]);
  });

  it('leaves out hostdevs that are not PCI (USB, mdev) with a warning, and keeps a name that looks like a number a string', () => {
    const usb =
      "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>";
    const { domain, warnings } = domainOf(
      `<domain><name>0123</name><devices>${usb}${hostdev('0x01', '0x0')}</devices></domain>`,
    );
    expect(domain.name).toBe('0123');
    expect(domain.machine).toBeUndefined();
    expect(domain.hostdevs.map((h) => [h.bdf, h.at, h.managed])).toEqual([
      ['0000:01:00.0', '/domain/devices/hostdev[2]', true],
    ]);
    expect(warnings[0]).toBe(
      '/domain/devices/hostdev[1]: a subsystem usb hostdev is not a PCI function given through VFIO; left out',
    );
  });
});
