import { api } from './api-client';
import type { DecisionWire, HostWire, PeWire, VmWire } from './api-types';
import { keyOf } from './format';

/** What the PE page and the what-if page draw from: the host, the PE, its VM, and lookups by "bdf/index". */
export interface PeData {
  host: HostWire;
  pe: PeWire;
  vm: VmWire | null;
  decisions: Map<string, DecisionWire>;
  guest: Map<string, string>;
}

export async function loadPe(hostId: string, peId: string): Promise<PeData> {
  const [host, pe] = await Promise.all([api.host(hostId), api.pe(hostId, peId)]);
  const vm = pe.vmId ? await api.vm(pe.vmId) : null;
  const decisions = new Map<string, DecisionWire>();
  for (const fn of pe.functions) for (const d of fn.decisions) decisions.set(keyOf(d.bdf, d.index), d);
  const guest = new Map((vm?.guestBars ?? []).map((g) => [keyOf(g.bdf, g.index), g.address]));
  return { host, pe, vm, decisions, guest };
}

/** What the reason sentences may say about the host. */
export const sentenceContext = (host: HostWire) => ({ pageSize: host.pageSize, subPageMmap: host.kernel?.subPageMmap });

/** "bdf/index" back into its parts. */
export function splitKey(key: string): { bdf: string; index: number } {
  const cut = key.lastIndexOf('/');
  return { bdf: key.slice(0, cut), index: Number(key.slice(cut + 1)) };
}
