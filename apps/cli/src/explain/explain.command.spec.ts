import { HostView, PeView } from '../api/views';
import { apiError, runCli } from '../testing/cli-test-kit';
import { explainFunction, explanationText } from './explain.command';

// `barplane explain` prints each advice's fragments exactly as the API gave them, so that an
// operator can copy the libvirt XML or the QEMU option straight from the terminal.
const xml =
  "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <qemu:override/>\n</domain>";
const host = {
  id: 'altra',
  platform: 'arm64',
  pageSize: '0x10000',
  kernel: { subPageMmap: true },
  kvmMemslots: 32767,
} as unknown as HostView;
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
            pe: '0000:01',
            bdf: '0000:01:00.0',
            index: 0,
            mode: 'EMULATED',
            reasons: ['MSIX_TABLE_TRAPPED'],
            slots: 0,
            directRanges: [],
            vmId: 'vm1',
            decidedAt: '2025-01-01T00:00:00.000Z',
            auditId: 'altra/3',
            advice: [
              {
                kind: 'MSIX_RELOCATION',
                option: 'x-msix-relocation=bar2',
                target: 2,
                barSize: '0x10000',
                apply: [
                  { target: 'libvirt-xml', text: xml, note: 'merge it' },
                  {
                    target: 'qemu-cmdline',
                    text: '-device vfio-pci,host=0000:01:00.0,x-msix-relocation=bar2',
                    note: 'keep the rest',
                  },
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
    expect(text).toContain(
      '    QEMU command line:\n        -device vfio-pci,host=0000:01:00.0,x-msix-relocation=bar2\n      (keep the rest)\n',
    );
  });

  it('keeps the fragments in --format json', () => {
    const e = explainFunction(host, pes, '0000:01:00.0');
    expect(e.bars[0].advice[0].apply?.map((f) => f.target)).toEqual(['libvirt-xml', 'qemu-cmdline']);
  });
});

describe('barplane explain (run)', () => {
  const api = { 'GET /v1/hosts/altra': { body: host }, 'GET /v1/hosts/altra/pes': { body: pes } };

  it('explains a BAR from the API (exit 0), in JSON for scripts', async () => {
    const run = await runCli(['explain', 'altra', '0000:01:00.0', '--bar', '0', '--format', 'json'], api);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).bars.map((b: { index: number }) => b.index)).toEqual([0]);
  });

  it('ends an unknown function or BAR with exit 3, naming what the host has', async () => {
    expect((await runCli(['explain', 'altra', '0000:09:00.0'], api)).stderr).toBe(
      'barplane explain: no function 0000:09:00.0 on host altra\n',
    );
    const bar = await runCli(['explain', 'altra', '0000:01:00.0', '--bar', '2'], api);
    expect(bar.status).toBe(3);
    expect(bar.stderr).toContain('has no BAR 2 (it has 0)');
    expect(
      (
        await runCli(['explain', 'nope', '0000:01:00.0'], {
          'GET /v1/hosts/nope': apiError(404, 'NOT_FOUND', 'no host nope'),
        })
      ).status,
    ).toBe(3);
  });

  it('refuses a BDF or BAR index that is not one (exit 2) before asking the API', async () => {
    const run = await runCli(['explain', 'altra', 'zz']);
    expect(run.status).toBe(2);
    expect((await runCli(['explain', 'altra', '0000:01:00.0', '--bar', '9'])).stderr).toContain(
      'a BAR index is 0..5, or 6 for the ROM',
    );
    expect(run.requests).toEqual([]);
  });
});
