import { Command } from 'commander';
import { parseBdf } from '@barplane/domain';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { ApiClient, ApiOptions, CliFailure, seg } from '../api/api-client';
import { apiCommand } from '../api/api-command';
import { AlignmentView, BarView, HostView, PeView } from '../api/views';
import { Io, OutputFormat, STDIO, bytes, json } from '../format/output';
import {
  APPLY_TARGET_TITLES,
  AdviceJson,
  ApplyFragmentJson,
  SentenceContext,
  adviceAction,
  modeSentence,
  reasonSentence,
} from '@barplane/domain';

export interface BarExplanation {
  index: number;
  kind: string;
  address: string;
  size: string;
  mode: string | null;
  modeSentence: string;
  vmId: string | null;
  slots: number;
  directRanges: { offset: string; size: string }[];
  reasons: { code: string; sentence: string }[];
  advice: (AdviceJson & { action: string })[];
  auditId: string | null;
}

export interface Explanation {
  hostId: string;
  bdf: string;
  pe: string;
  alignment: (AlignmentView & { action: string | null }) | null;
  bars: BarExplanation[];
}

/** Why each BAR of one function got its mode, in words, and what to do about it. */
export function explainFunction(host: HostView, pes: PeView[], bdf: string, bar?: number): Explanation {
  const pe = pes.find((p) => p.functions.some((f) => f.bdf === bdf));
  const fn = pe?.functions.find((f) => f.bdf === bdf);
  if (!pe || !fn) throw new CliFailure(`no function ${bdf} on host ${host.id}`, EXIT_STATUS.notFound);
  const bars: BarView[] = bar === undefined ? fn.bars : fn.bars.filter((b) => b.index === bar);
  if (bar !== undefined && bars.length === 0)
    throw new CliFailure(
      `function ${bdf} on host ${host.id} has no BAR ${bar} (it has ${fn.bars.map((b) => b.index).join(', ') || 'none'})`,
      EXIT_STATUS.notFound,
    );
  const ctx: SentenceContext = { pageSize: host.pageSize, subPageMmap: host.kernel?.subPageMmap };
  const a = pe.alignment;
  return {
    hostId: host.id,
    bdf,
    pe: pe.id,
    alignment: a
      ? {
          ...a,
          action: a.kernelParameter
            ? `Add the kernel parameter ${a.kernelParameter} to the host's kernel command line and reboot (PE ${pe.id}, policy ${a.policy}: ${a.barsGainingMmap} BAR(s) gain mmap for ${a.mmioCost} bytes of MMIO space).`
            : null,
        }
      : null,
    bars: bars.map((b) => {
      const d = fn.decisions.find((x) => x.index === b.index);
      return {
        index: b.index,
        kind: b.kind,
        address: b.address,
        size: b.size,
        mode: d?.mode ?? null,
        modeSentence: d ? modeSentence(d.mode) : 'Not decided yet: the projector has no decision for this BAR.',
        vmId: d?.vmId ?? null,
        slots: d?.slots ?? 0,
        directRanges: d?.directRanges ?? [],
        reasons: (d?.reasons ?? []).map((code) => ({ code, sentence: reasonSentence(code, ctx) })),
        advice: (d?.advice ?? []).map((adv) => ({ ...adv, action: adviceAction(adv) })),
        auditId: d?.auditId ?? null,
      };
    }),
  };
}

/** A fragment as an operator copies it: its target, then the text itself, unchanged but indented, then the note. */
function fragmentLines(f: ApplyFragmentJson): string[] {
  return [
    `    ${APPLY_TARGET_TITLES[f.target] ?? f.target}:`,
    ...f.text.split('\n').map((l) => `        ${l}`),
    `      (${f.note})`,
  ];
}

export function explanationText(e: Explanation): string {
  const out: string[] = [`${e.bdf} on host ${e.hostId}, PE ${e.pe}`];
  if (e.alignment) out.push(`PE alignment policy: ${e.alignment.policy} (override ${e.alignment.override})`);
  for (const b of e.bars) {
    out.push(
      '',
      `BAR ${b.index} (${b.kind}, ${bytes(b.size)} at ${b.address}): ${b.mode ?? 'undecided'}${b.vmId ? ` in VM ${b.vmId}` : ''}`,
    );
    out.push(`  ${b.modeSentence}`);
    if (b.directRanges.length)
      out.push(
        `  Direct ranges: ${b.directRanges.map((r) => `${r.offset}+${r.size}`).join(' ')} (${b.slots} KVM slot${b.slots === 1 ? '' : 's'})`,
      );
    if (b.reasons.length) {
      out.push('  Why:');
      for (const r of b.reasons) out.push(`  - ${r.code}: ${r.sentence}`);
    }
    if (b.advice.length) {
      out.push('  What to do:');
      for (const a of b.advice) {
        out.push(`  - ${a.action}`);
        for (const f of a.apply ?? []) out.push(...fragmentLines(f));
      }
    }
    if (b.auditId) out.push(`  Audit record: ${b.auditId}`);
  }
  if (e.alignment?.action && !e.bars.some((b) => b.advice.some((a) => a.kind === 'HOST_ALIGNMENT')))
    out.push('', `PE ${e.pe}: ${e.alignment.action}`);
  return out.join('\n') + '\n';
}

export async function runExplain(
  hostId: string,
  bdfText: string,
  opts: ApiOptions & { format: OutputFormat; bar?: string },
  io: Io = STDIO,
): Promise<ExitStatus> {
  const parsed = parseBdf(bdfText);
  if (!parsed.ok) throw new CliFailure(parsed.problem, EXIT_STATUS.invalid);
  let bar: number | undefined;
  if (opts.bar !== undefined) {
    if (!/^[0-6]$/.test(opts.bar))
      throw new CliFailure(`--bar ${opts.bar}: a BAR index is 0..5, or 6 for the ROM`, EXIT_STATUS.invalid);
    bar = Number(opts.bar);
  }
  const api = ApiClient.from(opts);
  const host = await api.get<HostView>(`/v1/hosts/${seg(hostId)}`);
  const pes = await api.get<PeView[]>(`/v1/hosts/${seg(hostId)}/pes`);
  const e = explainFunction(host, pes, parsed.bdf, bar);
  io.out.write(opts.format === 'json' ? json(e) : explanationText(e));
  return EXIT_STATUS.ok;
}

/** What `barplane explain --help` says it does. */
const EXPLAIN_HELP =
  'why each BAR of a function is on the fast or slow path, in plain words, and what to do about it (kernel parameter, guest address, QEMU option, slot budget), with the exact libvirt XML, QEMU option or kernel parameter to apply';

export function explainCommand(): Command {
  return apiCommand(
    'explain',
    EXPLAIN_HELP,
    (hostId: string, bdf: string, opts: ApiOptions & { format: OutputFormat; bar?: string }) =>
      runExplain(hostId, bdf, opts),
  )
    .argument('<host>', 'host id')
    .argument('<bdf>', 'PCI function, dddd:bb:dd.f')
    .option('--bar <index>', 'only this BAR (0..5, 6 for the ROM)');
}
