import { bar, decisionOf, F0, fn, host, NVME_MSIX, P64K, pe, planF0, scenario, vm } from '../testing/scenario-builder';
import { planScenario } from '../plan/plan-scenario';
import { guestPlacementFragments, libvirtAlias } from './advice-fragments';

// Every advice item carries the exact text to paste, in the words of the tool that reads it:
// libvirt's <qemu:override> (docs/drvqemu.rst, "Overriding properties of QEMU devices"), QEMU's
// vfio-pci properties (hw/vfio/pci.c: x-msix-relocation off|auto|bar0..bar5, x-no-mmap), and
// the kernel's pci=resource_alignment= (Documentation/admin-guide/kernel-parameters.txt).
describe('advice fragments', () => {
  it('MSI-X relocation: the libvirt override (namespace, user alias on the hostdev, property) and the QEMU -device option', () => {
    const h = host('arm64', P64K);
    const pes = [pe('0004:01', [fn('0004:01:00.1', [bar(0, 'mem64', 0x630040010000n, 0x4000n)], { msix: NVME_MSIX })])];
    const plan = planScenario(
      scenario(h, pes, vm(h, pes, { guestBars: [{ bdf: '0004:01:00.1', index: 0, address: 0x10000000n }] })),
    );
    const [advice] = decisionOf(plan, '0004:01:00.1', 0).advice;
    expect(advice.kind).toBe('MSIX_RELOCATION');
    const [xml, qemu] = advice.apply;
    expect(xml.target).toBe('libvirt-xml');
    expect(xml.text).toBe(
      [
        "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>",
        '  <devices>',
        "    <hostdev mode='subsystem' type='pci' managed='yes'>",
        '      <source>',
        "        <address domain='0x0004' bus='0x01' slot='0x00' function='0x1'/>",
        '      </source>',
        "      <alias name='ua-vfio-0004-01-00-1'/>",
        '    </hostdev>',
        '  </devices>',
        '  <qemu:override>',
        "    <qemu:device alias='ua-vfio-0004-01-00-1'>",
        '      <qemu:frontend>',
        "        <qemu:property name='x-msix-relocation' type='string' value='bar2'/>",
        '      </qemu:frontend>',
        '    </qemu:device>',
        '  </qemu:override>',
        '</domain>',
      ].join('\n'),
    );
    expect(xml.note).toContain('libvirt 8.2.0');
    expect(qemu).toMatchObject({
      target: 'qemu-cmdline',
      text: '-device vfio-pci,host=0004:01:00.1,x-msix-relocation=bar2',
    });
    // The option the advice names is the one the fragments set.
    expect(qemu.text.endsWith((advice as { option: string }).option)).toBe(true);
  });

  it('host alignment: the kernel parameter decision 2 computed, unchanged, for the host kernel command line', () => {
    const plan = planF0(host('arm64', P64K), [bar(0, 'mem32', 0xf0001000n, 0x1000n)], 0x40002000n);
    const [advice] = decisionOf(plan, F0, 0).advice;
    expect(advice.apply).toEqual([
      {
        target: 'host-kernel-cmdline',
        text: plan.pes[0].alignment.kernelParameter,
        note: expect.stringContaining('reboot'),
      },
    ]);
    expect(advice.apply[0].text).toBe('pci=resource_alignment=16@0000:01:00.0');
  });

  it('guest placement: the guest kernel resource alignment by vendor:device at the host page order, and a note that no setting fixes the address', () => {
    const bars = [bar(0, 'mem32', 0x3fe080010000n, 0x1000n)];
    const plan = planF0(host('powernv', P64K), bars, 0x80011000n, { vendorDevice: '1033:0035' });
    const [advice] = decisionOf(plan, F0, 0).advice;
    expect(advice).toMatchObject({ kind: 'GUEST_PLACEMENT', address: 0x80020000n });
    expect(advice.apply).toHaveLength(1);
    expect(advice.apply[0]).toMatchObject({
      target: 'guest-kernel-cmdline',
      text: 'pci=resource_alignment=16@pci:1033:0035',
    });
    expect(advice.apply[0].note).toContain('no single setting places a BAR at an exact address');
    expect(guestPlacementFragments('8086:10fb', 0x1000n, 0x1000n)[0].text).toBe(
      'pci=resource_alignment=12@pci:8086:10fb',
    );
  });

  it('guest placement without a vendor:device ID has nothing exact to paste', () => {
    expect(guestPlacementFragments(undefined, P64K, 0x80020000n)).toEqual([]);
  });

  it('libvirt user aliases start with ua- and hold only letters, digits, _ and -', () => {
    expect(libvirtAlias('ffff:ff:1f.7')).toMatch(/^ua-[A-Za-z0-9_-]+$/);
  });
});
