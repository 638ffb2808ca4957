import { HostView, PeView } from '../api/views';
import { explainFunction, explanationText } from './explain.command';

// `barplane explain` prints each advice's fragments exactly as the API gave them, so that an
// operator can copy the libvirt XML or the QEMU option straight from the terminal.
const xml = "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <qemu:override/>\n</domain>";
const host = { id: 'altra', platform: 'arm64', pageSize: '0x10000', kernel: { subPageMmap: true }, kvmMemslots: 32767 } as unknown as HostView;
const pes: PeView[] = [
  {
    id: '0000:01',
    hostId: 'altra',
    alignmentOverride: 'auto',
    alignment: null,
    vmId: 'vm1',
    functions: [
      {
        bdf: '0000:01:00.0',
        isVf: false,
        vfio: { bound: true },
        bars: [{ index: 0, kind: 'mem64', address: '0x630040010000', size: '0x4000' }],
        decisions: [
          {
            pe: '0000:01', bdf: '0000:01:00.0', index: 0, mode: 'EMULATED', reasons: ['MSIX_TABLE_TRAPPED'], slots: 0, directRanges: [],
            vmId: 'vm1', decidedAt: '2025-01-01T00:00:00.000Z', auditId: 'altra/3',
            advice: [
              {
                kind: 'MSIX_RELOCATION', option: 'x-msix-relocation=bar2', target: 2, barSize: '0x10000',
                apply: [
                  { target: 'libvirt-xml', text: xml, note: 'merge it' },
                  { target: 'qemu-cmdline', text: '-device vfio-pci,host=0000:01:00.0,x-msix-relocation=bar2', note: 'keep the rest' },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
];

describe('barplane explain: advice fragments', () => {
  const text = explanationText(explainFunction(host, pes, '0000:01:00.0'));

  it('prints each fragment under its target, every line of its text unchanged', () => {
    expect(text).toContain('    libvirt domain XML:\n');
    for (const line of xml.split('\n')) expect(text).toContain(`        ${line}\n`);
    expect(text).toContain('    QEMU command line:\n        -device vfio-pci,host=0000:01:00.0,x-msix-relocation=bar2\n      (keep the rest)\n');
  });

  it('keeps the fragments in --format json', () => {
    const e = explainFunction(host, pes, '0000:01:00.0');
    expect(e.bars[0].advice[0].apply?.map((f) => f.target)).toEqual(['libvirt-xml', 'qemu-cmdline']);
  });
});
