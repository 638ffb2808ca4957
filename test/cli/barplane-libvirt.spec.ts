import { join } from 'node:path';
import { P9_HOST_JSON as hostJson, PSERIES_XML_FILE as pseries } from '../fixtures/libvirt/pseries-hostdevs';
import { pseriesXml, withoutSibling } from '../fixtures/libvirt/pseries-hostdevs';
import { wireBar, wirePe } from '../../libs/owner-service/src/testing/host-fixtures';
import { barplane, inputFiles, repoRoot } from './run-cli';

// `barplane plan HOST.json --libvirt DOMAIN.xml` (what-if before the domain is defined) and
// `barplane import libvirt` without the API, through the real binary, on libvirt's own XML.
const fixtures = join(repoRoot, 'test', 'fixtures', 'libvirt');
const { dir: tmp, write } = inputFiles('barplane-libvirt-');
const host = write('host.json', hostJson);
const partial = write('partial.xml', withoutSibling(pseriesXml()));

describe('barplane plan --libvirt (child process)', () => {
  it("plans the domain's VM on the host: the hostdevs' PEs assigned, guest side PENDING, the VM's slots counted", () => {
    const run = barplane(['plan', host, '--libvirt', pseries]);
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.vm).toEqual({ id: 'guest', slotsUsedBefore: 0, slotsNeeded: 0, slotLimit: 32767 });
    expect(plan.bars.map((b: { pe: string; mode: string }) => [b.pe, b.mode])).toEqual([
      ['0001:01', 'PENDING'],
      ['0001:01', 'PENDING'],
      ['0005:90', 'PENDING'],
    ]);
    expect(run.stderr).toContain('warning: hostdevs without <alias>');
  });

  it('exits 2 naming the missing sibling when the hostdevs cover part of a PE, with nothing on stdout', () => {
    const run = barplane(['plan', host, '--libvirt', partial]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${partial} cannot be planned on ${host} (1 problem):`);
    expect(run.stderr).toContain(
      '--libvirt/domain/devices/hostdev[1]/source/address: PE "0001:01" goes to a VM whole: its function 0001:01:00.1 is not in this domain',
    );
  });

  it('exits 2 on a scenario that already has a vm, on XML that is not a domain, and names an unmodelled machine', () => {
    const withVm = barplane(['plan', write('vm.json', { ...hostJson, vm: { id: 'v' } }), '--libvirt', pseries]);
    expect(withVm.status).toBe(2);
    expect(withVm.stderr).toContain('vm: give either a vm or --libvirt, not both');
    const pc = barplane(['plan', host, '--libvirt', join(fixtures, 'libvirt-hostdev-vfio-multidomain.xml')]);
    expect(pc.status).toBe(2);
    expect(pc.stderr).toContain('--libvirt/domain/os/type/@machine: machine "pc" is not one barplane models');
    const missing = barplane(['plan', host, '--libvirt', join(tmp, 'nope.xml')]);
    expect(missing.status).toBe(1);
  });
});

describe('barplane import libvirt (child process, no API)', () => {
  it("prints CreateVm and one AssignPe per PE, each function with its QEMU id, when the host's scenario is given", () => {
    const run = barplane(['import', 'libvirt', pseries, '--host-id', 'p9', '--scenario', host]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      domain: { name: 'guest', uuid: '1ccfd97d-5eb4-478a-bbe6-88d254c16db7', machineType: 'pseries' },
      commands: [
        {
          method: 'POST',
          path: '/v1/vms',
          body: { id: 'guest', hostId: 'p9', machine: 'pseries', noMmap: false, msixRelocation: 'off' },
        },
        {
          method: 'POST',
          path: '/v1/vms/guest/assignments',
          body: { peId: '0001:01' },
          functions: [
            { bdf: '0001:01:00.0', qmpId: 'hostdev0' },
            { bdf: '0001:01:00.1', qmpId: 'hostdev1' },
          ],
        },
        {
          method: 'POST',
          path: '/v1/vms/guest/assignments',
          body: { peId: '0005:90' },
          functions: [{ bdf: '0005:90:01.0', qmpId: 'hostdev2' }],
        },
      ],
    });
  });

  it("names each hostdev by its BDF without the host's facts (what Debian's virsh printed), with the user alias as QEMU id", () => {
    const run = barplane(['import', 'libvirt', join(fixtures, 'debian-virsh-test-driver-q35.xml'), '--host-id', 'x86']);
    expect(run.status).toBe(0);
    const { commands } = JSON.parse(run.stdout);
    expect(commands[0].body).toEqual({
      id: 'nvme-q35',
      hostId: 'x86',
      machine: 'q35',
      noMmap: false,
      msixRelocation: 'off',
    });
    expect(commands.slice(1).map((c: { body: unknown; functions: unknown }) => [c.body, c.functions])).toEqual([
      [{ bdf: '0000:01:00.0' }, [{ bdf: '0000:01:00.0', qmpId: 'ua-nvme0' }]],
      [{ bdf: '0000:02:00.0' }, [{ bdf: '0000:02:00.0', qmpId: 'hostdev0' }]],
    ]);
    expect(run.stderr).toContain("the host's PEs are unknown");
  });

  it("takes the VM's MSI-X relocation from <qemu:override> when every function with MSI-X asks for it", () => {
    const input = join(fixtures, 'debian-virsh-test-driver-q35.input.xml');
    // Unknown PEs: the relocating NVMe and the other hostdev differ, which one VM cannot say.
    const blind = barplane(['import', 'libvirt', input, '--host-id', 'x86']);
    expect(blind.status).toBe(2);
    expect(blind.stderr).toContain('different MSI-X relocations (bar2: ua-nvme0; off: hostdev0)');
    const x86 = write('x86.json', {
      host: { id: 'x86', platform: 'x86_64', pageSize: '0x1000' },
      pes: [
        wirePe('iommu-1', {
          bdf: '0000:01:00.0',
          bars: [wireBar(0, 'mem64', '0xfcf00000', '0x4000')],
          msix: { tableBar: 0, tableOffset: '0x2000', vectors: 32 },
        }),
        wirePe('iommu-2', { bdf: '0000:02:00.0', bars: [wireBar(0, 'mem32', '0xfce00000', '0x1000')] }),
      ],
    });
    const run = barplane(['import', 'libvirt', input, '--host-id', 'x86', '--scenario', x86]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).commands[0].body).toEqual({
      id: 'nvme-q35',
      hostId: 'x86',
      machine: 'q35',
      noMmap: false,
      msixRelocation: 'bar2',
    });
    const planned = JSON.parse(barplane(['plan', x86, '--libvirt', input]).stdout);
    expect(planned.bars[0]).toMatchObject({
      bdf: '0000:01:00.0',
      mode: 'PENDING',
      reasons: ['MSIX_RELOCATED', 'GUEST_BAR_UNMAPPED'],
    });
  });

  it('exits 4 naming the sibling for part of a PE, 2 for XML it cannot read, 2 without --host-id', () => {
    const conflict = barplane(['import', 'libvirt', partial, '--host-id', 'p9', '--scenario', host]);
    expect(conflict.status).toBe(4);
    expect(conflict.stdout).toBe('');
    expect(conflict.stderr).toContain('its function 0001:01:00.1 is not in this domain');
    const hostile = barplane(
      ['import', 'libvirt', '-', '--host-id', 'p9'],
      '<!DOCTYPE d [<!ENTITY a "a">]><domain><name>&a;</name></domain>',
    );
    expect(hostile.status).toBe(2);
    expect(hostile.stderr).toContain('/: a DOCTYPE or entity declaration');
    expect(barplane(['import', 'libvirt', pseries]).status).toBe(2);
  });
});
