import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario, planAnswer, planToJson } from '@barplane/domain';
import { bar, fn, host, pe } from '@barplane/domain/testing/scenario-builder';
import { LibvirtDomain } from './libvirt-domain';
import { scenarioWithLibvirtVm } from './libvirt-plan';
import { libvirtVm } from './libvirt-vm';
import { parseLibvirtDomain } from './parse-libvirt-domain';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'libvirt');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const parsed = (xml: string): LibvirtDomain => {
  const read = parseLibvirtDomain(xml);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.domain;
};
const msix = { tableBar: 0, tableOffset: 0x2000n, vectors: 32, pbaBar: 0, pbaOffset: 0x3000n };

// The host of libvirt's pseries test domain: a two-function device in one PE, and an SR-IOV VF in its own.
const power = host('powernv', 0x10000n, { id: 'p9' });
const powerPes = [
  pe('0001:01', [
    fn('0001:01:00.0', [bar(0, 'mem64', 0x6000_0000_0000n, 0x4000n)], { msix }),
    fn('0001:01:00.1', [bar(0, 'mem64', 0x6000_0001_0000n, 0x4000n)], { msix }),
  ]),
  pe('0005:90', [fn('0005:90:01.0', [bar(0, 'mem64', 0x6005_0000_0000n, 0x10000n)], { isVf: true })]),
  pe('0005:91', [fn('0005:91:00.0', [bar(0, 'mem32', 0x6005_1000_0000n, 0x1000n)])]),
];
const powerHost: Scenario = { host: power, pes: powerPes };

describe('libvirtVm: the VM and the PEs a domain would hold on a host', () => {
  it("gives libvirt's pseries test domain its two PEs, whole, each function with its QEMU id", () => {
    const read = libvirtVm(parsed(fixture('libvirt-pseries-hostdevs-1.xml')), powerHost);
    expect(read).toEqual({
      ok: true,
      vm: {
        id: 'guest',
        uuid: '1ccfd97d-5eb4-478a-bbe6-88d254c16db7',
        machine: 'pseries',
        noMmap: false,
        msixRelocation: 'off',
      },
      assignments: [
        {
          peId: '0001:01',
          functions: [
            { bdf: '0001:01:00.0', alias: 'hostdev0', aliasPredicted: true, managed: true },
            { bdf: '0001:01:00.1', alias: 'hostdev1', aliasPredicted: true, managed: true },
          ],
        },
        {
          peId: '0005:90',
          functions: [{ bdf: '0005:90:01.0', alias: 'hostdev2', aliasPredicted: true, managed: true }],
        },
      ],
      warnings: [],
    });
  });

  it('refuses part of a PE as a CONFLICT naming the missing sibling, and an unknown function as NOT_FOUND', () => {
    const onlyFirst = fixture('libvirt-pseries-hostdevs-1.xml').replace(
      /<hostdev mode='subsystem' type='pci' managed='yes'>\s*<source>\s*<address domain='0x0001' bus='0x01' slot='0x00' function='0x1'\/>[\s\S]*?<\/hostdev>/,
      '',
    );
    const partial = libvirtVm(parsed(onlyFirst), powerHost);
    expect(partial).toEqual({
      ok: false,
      code: 'CONFLICT',
      message:
        'domain "guest" gives part of a PE: PE "0001:01" goes to a VM whole: its function 0001:01:00.1 is not in this domain (give every function of the PE, or none)',
      problems: [
        {
          path: '/domain/devices/hostdev[1]/source/address',
          message: expect.stringContaining('0001:01:00.1 is not in this domain'),
        },
      ],
    });
    const unknown = libvirtVm(parsed(fixture('libvirt-pseries-hostdevs-1.xml')), {
      pes: powerPes.filter((p) => p.id !== '0005:90'),
    });
    expect(unknown).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      problems: [
        {
          path: '/domain/devices/interface[1]/source/address',
          message: '0005:90:01.0 is not a function of any PE of this host',
        },
      ],
    });
  });

  it("folds the per-device overrides into the VM's one relocation and x-no-mmap, and refuses devices that differ", () => {
    const ns = "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
    const dev = (bus: string, f: string) =>
      `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0001' bus='${bus}' slot='0x00' function='${f}'/></source></hostdev>`;
    const set = (alias: string, prop: string, value: string) =>
      `<qemu:device alias='${alias}'><qemu:frontend><qemu:property name='${prop}' type='string' value='${value}'/></qemu:frontend></qemu:device>`;
    const domain = (overrides: string) =>
      parsed(
        `<domain ${ns}><name>g</name><devices>${dev('0x01', '0x0')}${dev('0x01', '0x1')}</devices><qemu:override>${overrides}</qemu:override></domain>`,
      );
    const same = libvirtVm(
      domain(
        set('hostdev0', 'x-msix-relocation', 'bar2') +
          set('hostdev1', 'x-msix-relocation', 'bar2') +
          set('hostdev0', 'x-no-mmap', 'on') +
          set('hostdev1', 'x-no-mmap', 'on'),
      ),
      powerHost,
    );
    expect(same).toMatchObject({ ok: true, vm: { msixRelocation: 'bar2', noMmap: true } });
    const differ = libvirtVm(
      domain(set('hostdev0', 'x-msix-relocation', 'bar2') + set('hostdev0', 'x-no-mmap', 'on')),
      powerHost,
    );
    expect(differ).toMatchObject({
      ok: false,
      code: 'VALIDATION',
      problems: [
        {
          path: '/domain/devices',
          message:
            'the hostdevs ask for different MSI-X relocations (bar2: hostdev0; off: hostdev1); barplane applies one to the whole VM',
        },
        {
          path: '/domain/devices',
          message:
            'x-no-mmap is set on some hostdevs only (true: hostdev0; false: hostdev1); barplane applies it to the whole VM',
        },
      ],
    });
  });

  it("warns about managed='no' hostdevs (Debian virsh's output): libvirt will not bind them itself", () => {
    const x86 = { pes: [pe('0000:01', [fn('0000:01:00.0', [])]), pe('0000:02', [fn('0000:02:00.0', [])])] };
    const read = libvirtVm(parsed(fixture('debian-virsh-test-driver-q35.xml')), x86);
    expect(read).toMatchObject({
      ok: true,
      vm: { id: 'nvme-q35', machine: 'q35' },
      assignments: [{ peId: '0000:01' }, { peId: '0000:02' }],
    });
    expect(read.ok && read.warnings).toEqual([expect.stringMatching(/^hostdev0 \(0000:02:00.0\) is managed='no'/)]);
  });
});

describe('scenarioWithLibvirtVm: what-if before the domain is defined', () => {
  it("plans the domain's VM on the host: its PEs assigned, guest side PENDING, the rest of the host unassigned", () => {
    const read = scenarioWithLibvirtVm(powerHost, fixture('libvirt-pseries-hostdevs-1.xml'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.scenario.vm).toEqual({
      id: 'guest',
      machine: 'pseries',
      msixEmulation: false,
      noMmap: false,
      msixRelocation: 'off',
      memslotsUsed: 0,
      assignedPes: ['0001:01', '0005:90'],
      guestBars: [],
    });
    const plan = planToJson(planAnswer(read.scenario));
    expect(plan.vm).toEqual({ id: 'guest', slotsUsedBefore: 0, slotsNeeded: 0, slotLimit: 32767 });
    const bars = plan.bars as { bdf: string; mode: string; reasons: string[] }[];
    expect(bars.filter((b) => b.bdf.startsWith('0001:01')).map((b) => [b.mode, b.reasons])).toEqual([
      ['PENDING', ['GUEST_BAR_UNMAPPED']],
      ['PENDING', ['GUEST_BAR_UNMAPPED']],
    ]);
  });

  it('takes the machine from the host platform when the XML names none, and refuses a vm given beside the XML', () => {
    const bare =
      "<domain><name>v</name><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0005' bus='0x91' slot='0x00' function='0x0'/></source></hostdev></devices></domain>";
    const read = scenarioWithLibvirtVm(powerHost, bare);
    expect(read.ok && read.scenario.vm).toMatchObject({
      machine: 'pseries',
      msixEmulation: false,
      assignedPes: ['0005:91'],
    });
    const both = scenarioWithLibvirtVm({ ...powerHost, vm: read.ok ? read.scenario.vm : undefined }, bare);
    expect(both).toEqual({
      ok: false,
      problems: [{ path: 'vm', message: 'give either a vm or libvirtXml, not both' }],
    });
  });

  it("puts every problem under the field that carried the XML: XML problems, part of a PE, the host's rules", () => {
    const unknown = fixture('libvirt-pseries-hostdevs-1.xml').replace(
      "bus='0x01' slot='0x00' function='0x1'",
      "bus='0x01' slot='0x00' function='0x2'",
    );
    expect(scenarioWithLibvirtVm(powerHost, unknown, '--libvirt')).toEqual({
      ok: false,
      problems: [
        {
          path: '--libvirt/domain/devices/hostdev[2]/source/address',
          message: '0001:01:00.2 is not a function of any PE of this host',
        },
      ],
    });
    expect(scenarioWithLibvirtVm(powerHost, '<domain>')).toEqual({
      ok: false,
      problems: [{ path: 'libvirtXml', message: expect.stringContaining('not well-formed XML') }],
    });
    // Relocating the table onto an io BAR breaks a rule that spans host and VM (R4.5).
    const ioHost: Scenario = {
      host: power,
      pes: [
        pe('0001:01', [
          fn('0001:01:00.0', [bar(0, 'mem64', 0x6000_0000_0000n, 0x4000n), bar(2, 'io', 0x1000n, 0x20n)], { msix }),
        ]),
      ],
    };
    const relocated = `<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>v</name><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0001' bus='0x01' slot='0x00' function='0x0'/></source><alias name='ua-n'/></hostdev></devices><qemu:override><qemu:device alias='ua-n'><qemu:frontend><qemu:property name='x-msix-relocation' type='string' value='bar2'/></qemu:frontend></qemu:device></qemu:override></domain>`;
    expect(scenarioWithLibvirtVm(ioHost, relocated)).toEqual({
      ok: false,
      problems: [{ path: 'libvirtXml', message: expect.stringContaining('bar2 of 0001:01:00.0 is an io BAR') }],
    });
  });
});
