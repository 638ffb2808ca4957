import { Command } from 'commander';
import { EXIT_STATUS, ExitStatus } from '@barplane/contracts';
import { ApiClient, ApiOptions, seg } from '../api/api-client';
import { apiCommand } from '../api/api-command';
import { HostView, PeView } from '../api/views';
import { adviceSummary } from '@barplane/domain';
import { Io, OutputFormat, STDIO, bytes, json, percent, table } from '../format/output';

/**
 * How well a host does with what its VMs were given: byte share on the fast path, then BAR
 * share; a host with no BAR given to a VM has nothing to rank and sorts after every other.
 */
function score(h: HostView): [number, number, number] {
  const c = h.coverage;
  if (c.bars.total === 0) return [1, 1, 1];
  const barShare = c.bars.fastPath / c.bars.total;
  return [0, c.byteShare ?? barShare, barShare];
}

/** Worst first: lowest fast-path byte share, then BAR share, then id; hosts with nothing assigned last. */
export function worstFirst(hosts: HostView[]): HostView[] {
  return [...hosts].sort((a, b) => {
    const [an, ab, aa] = score(a);
    const [bn, bb, ba] = score(b);
    return an - bn || ab - bb || aa - ba || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

const byMode = (m: Record<string, number | string>, fmt: (v: number | string) => string = String) =>
  Object.entries(m)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ') || '-';

const share = (s: number | null) => (s === null ? 'nothing assigned' : percent(s));
const notAssigned = (c: HostView['coverage']) =>
  c.notAssigned.bars === 0
    ? '0 BARs'
    : `${c.notAssigned.bars} BARs, ${bytes(c.notAssigned.bytes)} (${byMode(c.notAssigned.byMode)})`;

export function hostsTable(hosts: HostView[]): string {
  const t = table([
    'host',
    'platform',
    'page',
    'PEs',
    'functions',
    'VMs',
    'BARs',
    'fast-path BARs',
    'BARs by mode',
    'fast-path bytes',
    'byte share',
    'not assigned',
  ]);
  for (const h of hosts) {
    const c = h.coverage;
    t.push([
      h.id,
      h.platform,
      bytes(h.pageSize),
      h.peCount,
      h.functionCount,
      h.vms.length,
      c.bars.total,
      c.bars.fastPath,
      byMode(c.bars.byMode),
      `${bytes(c.bytes.fastPath)} of ${bytes(c.bytes.total)}`,
      share(c.byteShare),
      notAssigned(c),
    ]);
  }
  return (hosts.length ? t.toString() : 'no hosts') + '\n';
}

export function hostDetailTable(host: HostView, pes: PeView[]): string {
  const c = host.coverage;
  const out = [
    `host ${host.id}  ${host.platform}, page ${bytes(host.pageSize)}, ${host.kvmMemslots} KVM slots, VMs: ${host.vms.join(', ') || '-'}`,
    `fast path (BARs given to a VM): ${c.bars.fastPath} of ${c.bars.total} BARs, ${bytes(c.bytes.fastPath)} of ${bytes(c.bytes.total)} (${share(c.byteShare)}); by mode: ${byMode(c.bars.byMode)}`,
    `not assigned (no VM holds their function): ${notAssigned(c)}`,
    '',
  ];
  const peTable = table([
    'PE',
    'VM',
    'functions',
    'alignment policy',
    'override',
    'MMIO cost',
    'BARs gaining mmap',
    'kernel parameter',
  ]);
  for (const pe of pes) {
    const a = pe.alignment;
    peTable.push([
      pe.id,
      pe.vmId ?? '-',
      pe.functions.length,
      a?.policy ?? '-',
      a?.override ?? pe.alignmentOverride,
      a?.mmioCost ?? '-',
      a?.barsGainingMmap ?? '-',
      a?.kernelParameter ?? '-',
    ]);
  }
  out.push(peTable.toString(), '');
  const barTable = table(['PE', 'BDF', 'BAR', 'kind', 'address', 'size', 'mode', 'slots', 'reasons', 'advice']);
  for (const pe of pes) {
    for (const fn of pe.functions) {
      const decided = new Map(fn.decisions.map((d) => [d.index, d]));
      for (const bar of fn.bars) {
        const d = decided.get(bar.index);
        barTable.push([
          pe.id,
          fn.bdf,
          bar.index,
          bar.kind,
          bar.address,
          bytes(bar.size),
          d?.mode ?? '-',
          d?.slots ?? '-',
          d?.reasons.join(' ') || '-',
          d?.advice.map(adviceSummary).join('; ') || '-',
        ]);
      }
    }
  }
  out.push(barTable.toString());
  return out.join('\n') + '\n';
}

export async function runHosts(
  hostId: string | undefined,
  opts: ApiOptions & { format: OutputFormat },
  io: Io = STDIO,
): Promise<ExitStatus> {
  const api = ApiClient.from(opts);
  if (hostId === undefined) {
    const hosts = worstFirst(await api.get<HostView[]>('/v1/hosts'));
    io.out.write(opts.format === 'json' ? json(hosts) : hostsTable(hosts));
    return EXIT_STATUS.ok;
  }
  const host = await api.get<HostView>(`/v1/hosts/${seg(hostId)}`);
  const pes = await api.get<PeView[]>(`/v1/hosts/${seg(hostId)}/pes`);
  io.out.write(opts.format === 'json' ? json({ host, pes }) : hostDetailTable(host, pes));
  return EXIT_STATUS.ok;
}

/** What `barplane hosts --help` says it does. */
const HOSTS_HELP =
  'hosts with their fast-path coverage (BARs by mode, byte share), worst first; with HOST, its PEs with alignment policy and BAR decisions';

export function hostsCommand(): Command {
  return apiCommand('hosts', HOSTS_HELP, (hostId: string | undefined, opts: ApiOptions & { format: OutputFormat }) =>
    runHosts(hostId, opts),
  ).argument('[host]', 'a host id: show its PEs, alignment policies and BAR decisions');
}
