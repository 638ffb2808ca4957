import { api } from './api-client';
import type { FleetPeWire, HostWire } from './api-types';
import { MAPPING_MODES as MODES } from '@barplane/domain/decision/mapping-mode';
import { big, chip, enc, esc, human, percent } from './format';
import { MODE_COLOURS, legendHtml } from './page-map';
import { main, session, stale } from './page-state';

// The fleet overview from one read (GET /v1/fleet): the API ranks hosts and PEs and computes
// every coverage figure; this page only draws them.

export async function fleetPage(seq: number): Promise<void> {
  session.current = { hostId: null, refresh: () => fleetPage(session.renderSeq) };
  const fleet = await api.fleet();
  if (stale(seq)) return;
  const { totals } = fleet;
  const c = totals.coverage;
  main().innerHTML = `
    <h1>Fleet</h1>
    <div class="cards">
      <div class="card"><div class="n" id="n-hosts">${totals.hosts}</div><div class="l">hosts</div></div>
      <div class="card"><div class="n">${totals.pes}</div><div class="l">PEs</div></div>
      <div class="card"><div class="n">${totals.vms}</div><div class="l">VMs</div></div>
      <div class="card"><div class="n" id="cov-bars">${c.bars.fastPath}/${c.bars.total}</div><div class="l">BARs on the fast path (${percent(BigInt(c.bars.fastPath), BigInt(c.bars.total))})</div></div>
      <div class="card"><div class="n" id="cov-bytes">${percent(big(c.bytes.fastPath), big(c.bytes.total))}</div><div class="l">of BAR bytes on the fast path (${human(big(c.bytes.fastPath))} of ${human(big(c.bytes.total))})</div></div>
      <div class="card"><div class="n" id="not-assigned">${c.notAssigned.bars}</div><div class="l">BARs not assigned (no VM holds their function; not counted above)</div></div>
    </div>
    ${legendHtml()}
    <h2>Hosts, worst coverage first</h2>
    <p class="note">Coverage counts the BARs of functions given to a VM; BARs of functions no VM holds are "not assigned". Bytes are those of memory BARs (not I/O ports, not the ROM).</p>
    <table id="hosts"><thead><tr><th>host</th><th>platform</th><th>page</th><th>PEs</th><th>VMs</th><th>BARs by mode</th><th>fast path (BARs)</th><th>bytes by mode</th><th>fast path (bytes)</th><th>not assigned</th></tr></thead><tbody>
    ${fleet.hosts.map(hostRow).join('')}
    </tbody></table>
    <h2>PEs, worst offenders first</h2>
    <table id="pes"><thead><tr><th>host</th><th>PE</th><th>VM</th><th>alignment</th><th>BARs</th><th>modes</th><th>bytes off the fast path</th></tr></thead><tbody>
    ${fleet.pes.map(peRow).join('')}
    </tbody></table>`;
}

function hostRow(h: HostWire): string {
  const c = h.coverage;
  return `<tr data-host="${esc(h.id)}"><td class="mono">${esc(h.id)}</td><td>${esc(h.platform)}</td><td class="mono">${human(big(h.pageSize))}</td><td>${h.peCount}</td><td>${h.vms.map(esc).join(', ') || '-'}</td>
      <td>${stackBar(c.bars.byMode, c.bars.total)}</td><td>${c.bars.fastPath}/${c.bars.total}</td>
      <td>${stackBar(pages(c.bytes.byMode), inPages(c.bytes.total), c.bytes.byMode)}</td><td>${c.bars.total ? percent(big(c.bytes.fastPath), big(c.bytes.total)) : 'nothing assigned'}</td>
      <td class="not-assigned">${c.notAssigned.bars ? `${c.notAssigned.bars} BARs, ${human(big(c.notAssigned.bytes))}` : '0'}</td></tr>`;
}

function peRow(pe: FleetPeWire): string {
  const total = big(pe.coverage.bytes.total);
  const off = big(pe.offFastPathBytes);
  return `<tr><td class="mono">${esc(pe.hostId)}</td><td class="mono"><a href="#/pe/${enc(pe.hostId)}/${enc(pe.id)}">${esc(pe.id)}</a></td><td class="mono">${pe.vmId ? esc(pe.vmId) : 'not assigned'}</td>
      <td>${esc(pe.alignmentPolicy ?? '-')}</td><td>${pe.bars}</td><td>${MODES.filter((m) => pe.byMode[m])
        .map((m) => `${chip(m)} ${pe.byMode[m]}`)
        .join(' ')}</td>
      <td class="mono">${!pe.vmId ? '-' : off ? `${human(off)} of ${human(total)}` : '0'}</td></tr>`;
}

/** Bytes by mode in 4K pages (a Number is fine for a bar's width, never for the values). */
function pages(byMode: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(byMode).map(([m, v]) => [m, inPages(v)]));
}

/** A stacked bar of shares by mode; `titles` overrides what each part's tooltip says. */
function stackBar(byMode: Record<string, number>, total: number, titles: Record<string, string> = {}): string {
  if (!total) return '<svg class="stack" width="220" height="12"></svg>';
  let x = 0;
  const rects = MODES.filter((m) => byMode[m]).map((m) => {
    const w = (220 * byMode[m]) / total;
    const r = `<rect data-mode="${m}" x="${x}" width="${w}" height="12" fill="${MODE_COLOURS[m]}"><title>${m}: ${titles[m] ?? byMode[m]}</title></rect>`;
    x += w;
    return r;
  });
  return `<svg class="stack" width="220" height="12">${rects.join('')}</svg>`;
}

const inPages = (bytes: string) => Number(big(bytes) / 4096n) + 1e-9;
