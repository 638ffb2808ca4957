/* global document, window */
// The barplane dashboard: fleet overview, PE page map with decisions and audit, what-if plans,
// live updates from the decision stream. Plain modules, hash routing, no framework.
import { ApiError, api, capabilities, decisionStream, get, getIfAllowed, token } from './api.js';
import { big, hex, human, parseAddress, percent } from './hex.js';
import { MODE_COLOURS, legendHtml, pageMapSvg } from './pagemap.js';
import { MODES, adviceAction, adviceSummary, modeSentence, reasonSentence } from './reason-sentences.js';
import { fragmentHtml } from './fragments.js';

const $ = (sel, root = document) => root.querySelector(sel);
const main = () => $('#main');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const chip = (mode) => `<span class="chip" data-mode="${esc(mode)}">${esc(mode)}</span>`;
const enc = encodeURIComponent;
const FAST = new Set(['DIRECT', 'DIRECT_PAGE_EXPANDED']);

let caps = { canAudit: false, canProgram: false, canAlign: false };
let current = { refresh: async () => undefined, hostId: null };
let stopStream = null;
let refreshTimer = null;
let renderSeq = 0;

// ---------------------------------------------------------------- shell, token, stream

function toast(html) {
  const el = document.createElement('div');
  el.className = 'toast';
  el.innerHTML = html;
  $('#toasts').append(el);
  setTimeout(() => el.remove(), 8000);
}

function showLogin(message = '') {
  stopStream?.();
  stopStream = null;
  $('#signout').hidden = true;
  $('#who').textContent = '';
  $('#live').textContent = 'offline';
  $('#live').dataset.state = 'off';
  main().innerHTML = `
    <h1>Sign in</h1>
    <p class="muted">Paste an API token (viewer, provisioner, operator or auditor). It stays in this tab's session storage and is sent as <code>Authorization: Bearer</code> with every call.</p>
    <form class="login" id="login">
      <label>API token<br><input type="password" id="token" autocomplete="off" size="44" required></label>
      <p><button class="primary" type="submit">Use token</button></p>
      <p class="error" id="login-error">${esc(message)}</p>
    </form>`;
  $('#login').addEventListener('submit', async (e) => {
    e.preventDefault();
    token.set($('#token').value.trim());
    await start();
  });
}

async function start() {
  try {
    await get('/v1/hosts');
  } catch (e) {
    token.clear();
    return showLogin(e instanceof ApiError && e.status === 401 ? 'That token is not valid.' : `The API did not answer: ${e.message}`);
  }
  caps = await capabilities();
  $('#who').textContent = caps.canAlign ? 'can commit' : caps.canProgram ? 'can program guest BARs' : caps.canAudit ? 'can audit' : 'read only';
  $('#signout').hidden = false;
  stopStream?.();
  stopStream = decisionStream(onDecision, (state) => {
    $('#live').dataset.state = state;
    $('#live').textContent = state;
  });
  await route();
}

/** A BAR outcome by its mode, a PE's alignment by its policy and the override that applied. */
const outcomeText = (o) => (o?.mode ?? (o?.policy ? `${o.policy} (override ${o.override})` : ''));

function onDecision(ev) {
  const d = ev.data;
  const s = d.subject ?? {};
  const what = s.kind === 'bar' ? `${s.bdf} BAR${s.index}` : `PE ${s.pe ?? ''}`;
  const now = outcomeText(d.outcome);
  const before = d.previous ? outcomeText(d.previous) : null;
  toast(`<b>new decision</b> ${esc(d.hostId)} ${esc(what)}: ${before && before !== now ? `${esc(before)} → ` : ''}${esc(now)}${d.principal ? ` <span class="muted">by ${esc(d.principal)}</span>` : ''}`);
  if (!current.hostId || current.hostId === d.hostId) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void current.refresh(), 300);
  }
}

async function route() {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const seq = ++renderSeq;
  try {
    if (parts[0] === 'pe' && parts.length >= 3) await pePage(parts[1], parts[2], parts[3] ? `${parts[3]}/${parts[4]}` : null, seq);
    else if (parts[0] === 'whatif' && parts.length >= 3) await whatIfPage(parts[1], parts[2], seq);
    else await fleetPage(seq);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin('The token was refused.');
    main().innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

const stale = (seq) => seq !== renderSeq;

// ---------------------------------------------------------------- fleet overview

function stackBar(byMode, total, toN) {
  const t = toN(total);
  if (!t) return '<svg class="stack" width="220" height="12"></svg>';
  let x = 0;
  const rects = MODES.filter((m) => byMode[m]).map((m) => {
    const w = (220 * toN(byMode[m])) / t;
    const r = `<rect data-mode="${m}" x="${x}" width="${w}" height="12" fill="${MODE_COLOURS[m]}"><title>${m}: ${byMode[m]}</title></rect>`;
    x += w;
    return r;
  });
  return `<svg class="stack" width="220" height="12">${rects.join('')}</svg>`;
}

async function fleetPage(seq) {
  current = { hostId: null, refresh: () => fleetPage(renderSeq) };
  const [hosts, vms] = await Promise.all([get('/v1/hosts'), get('/v1/vms')]);
  const pesByHost = await Promise.all(hosts.map((h) => get(`/v1/hosts/${enc(h.id)}/pes`)));
  if (stale(seq)) return;
  let bars = 0;
  let fastBars = 0;
  let bytes = 0n;
  let fastBytes = 0n;
  let idleBars = 0;
  for (const h of hosts) {
    idleBars += h.coverage.notAssigned.bars;
    bars += h.coverage.bars.total;
    fastBars += h.coverage.bars.fastPath;
    bytes += big(h.coverage.bytes.total);
    fastBytes += big(h.coverage.bytes.fastPath);
  }
  const peRows = [];
  hosts.forEach((h, i) => {
    for (const pe of pesByHost[i]) {
      const counts = {};
      let total = 0n;
      let slow = 0n;
      for (const fn of pe.functions) for (const d of fn.decisions) {
        counts[d.mode] = (counts[d.mode] ?? 0) + 1;
        const bar = fn.bars.find((b) => b.index === d.index);
        const size = big(bar?.size);
        if (bar && bar.kind !== 'io') total += size;
        if (bar && bar.kind !== 'io' && !FAST.has(d.mode)) {
          let direct = 0n;
          if (d.mode === 'PARTIAL_DIRECT') for (const r of d.directRanges) direct += big(r.size);
          slow += size - (direct > size ? size : direct);
        }
      }
      const n = Object.values(counts).reduce((a, b) => a + b, 0);
      // A PE the kernel cannot bind at all is worse off than one that is only slow.
      // A PE no VM holds is not assigned: nobody is slow because of it yet, so it goes last.
      const offenders = !pe.vmId ? -1 : (counts.UNAVAILABLE ?? 0) * 10000 + (counts.EMULATED ?? 0) * 1000 + (counts.PARTIAL_DIRECT ?? 0) * 100 + (counts.PENDING ?? 0) * 10;
      peRows.push({ host: h, pe, counts, n, total, slow, offenders });
    }
  });
  peRows.sort((a, b) => b.offenders - a.offenders || (b.slow > a.slow ? 1 : b.slow < a.slow ? -1 : 0) || (a.host.id < b.host.id ? -1 : a.host.id > b.host.id ? 1 : a.pe.id < b.pe.id ? -1 : 1));
  // Ranked by what their VMs were given: a host with no BAR given to a VM has nothing to rank and goes last.
  const unranked = (h) => (h.coverage.bars.total === 0 ? 1 : 0);
  const barShare = (h) => h.coverage.bars.fastPath / (h.coverage.bars.total || 1);
  const byteShare = (h) => h.coverage.byteShare ?? barShare(h);
  const hostRows = [...hosts].sort((a, b) => unranked(a) - unranked(b) || byteShare(a) - byteShare(b) || barShare(a) - barShare(b) || (a.id < b.id ? -1 : 1));
  const num = (x) => Number(x);
  const bytesNum = (x) => Number(big(x) / 4096n) + 1e-9;
  main().innerHTML = `
    <h1>Fleet</h1>
    <div class="cards">
      <div class="card"><div class="n" id="n-hosts">${hosts.length}</div><div class="l">hosts</div></div>
      <div class="card"><div class="n">${hosts.reduce((n, h) => n + h.peCount, 0)}</div><div class="l">PEs</div></div>
      <div class="card"><div class="n">${vms.length}</div><div class="l">VMs</div></div>
      <div class="card"><div class="n" id="cov-bars">${fastBars}/${bars}</div><div class="l">BARs on the fast path (${percent(BigInt(fastBars), BigInt(bars))})</div></div>
      <div class="card"><div class="n" id="cov-bytes">${percent(fastBytes, bytes)}</div><div class="l">of BAR bytes on the fast path (${human(fastBytes)} of ${human(bytes)})</div></div>
      <div class="card"><div class="n" id="not-assigned">${idleBars}</div><div class="l">BARs not assigned (no VM holds their function; not counted above)</div></div>
    </div>
    ${legendHtml()}
    <h2>Hosts, worst coverage first</h2>
    <p class="note">Coverage counts the BARs of functions given to a VM; BARs of functions no VM holds are "not assigned".</p>
    <table id="hosts"><thead><tr><th>host</th><th>platform</th><th>page</th><th>PEs</th><th>VMs</th><th>BARs by mode</th><th>fast path (BARs)</th><th>bytes by mode</th><th>fast path (bytes)</th><th>not assigned</th></tr></thead><tbody>
    ${hostRows.map((h) => `<tr data-host="${esc(h.id)}"><td class="mono">${esc(h.id)}</td><td>${esc(h.platform)}</td><td class="mono">${human(big(h.pageSize))}</td><td>${h.peCount}</td><td>${h.vms.map(esc).join(', ') || '-'}</td>
      <td>${stackBar(h.coverage.bars.byMode, h.coverage.bars.total, num)}</td><td>${h.coverage.bars.fastPath}/${h.coverage.bars.total}</td>
      <td>${stackBar(h.coverage.bytes.byMode, h.coverage.bytes.total, bytesNum)}</td><td>${h.coverage.bars.total ? percent(big(h.coverage.bytes.fastPath), big(h.coverage.bytes.total)) : 'nothing assigned'}</td>
      <td class="not-assigned">${h.coverage.notAssigned.bars ? `${h.coverage.notAssigned.bars} BARs, ${human(big(h.coverage.notAssigned.bytes))}` : '0'}</td></tr>`).join('')}
    </tbody></table>
    <h2>PEs, worst offenders first</h2>
    <table id="pes"><thead><tr><th>host</th><th>PE</th><th>VM</th><th>alignment</th><th>BARs</th><th>modes</th><th>bytes off the fast path</th></tr></thead><tbody>
    ${peRows.map((r) => `<tr><td class="mono">${esc(r.host.id)}</td><td class="mono"><a href="#/pe/${enc(r.host.id)}/${enc(r.pe.id)}">${esc(r.pe.id)}</a></td><td class="mono">${r.pe.vmId ? esc(r.pe.vmId) : 'not assigned'}</td>
      <td>${esc(r.pe.alignment?.policy ?? '-')}</td><td>${r.n}</td><td>${MODES.filter((m) => r.counts[m]).map((m) => `${chip(m)} ${r.counts[m]}`).join(' ')}</td>
      <td class="mono">${r.slow ? `${human(r.slow)} of ${human(r.total)}` : '0'}</td></tr>`).join('')}
    </tbody></table>`;
}

// ---------------------------------------------------------------- PE page

const keyOf = (bdf, index) => `${bdf}/${index}`;

async function loadPe(hostId, peId) {
  const [host, pe] = await Promise.all([get(`/v1/hosts/${enc(hostId)}`), get(`/v1/hosts/${enc(hostId)}/pes/${enc(peId)}`)]);
  const vm = pe.vmId ? await get(`/v1/vms/${enc(pe.vmId)}`) : null;
  const decisions = new Map();
  for (const fn of pe.functions) for (const d of fn.decisions) decisions.set(keyOf(d.bdf, d.index), d);
  const guest = new Map((vm?.guestBars ?? []).map((g) => [keyOf(g.bdf, g.index), g.address]));
  return { host, pe, vm, decisions, guest };
}

function decisionPanel(ctx, key) {
  const [bdf, index] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))];
  const fn = ctx.pe.functions.find((f) => f.bdf === bdf);
  const bar = fn?.bars.find((b) => b.index === index);
  const d = ctx.decisions.get(key);
  if (!bar) return '<div class="panel" id="decision"><p class="muted">Click a BAR in the picture or the table to see its decision.</p></div>';
  const sctx = { pageSize: ctx.host.pageSize, subPageMmap: ctx.host.kernel?.subPageMmap };
  const reasons = d?.reasons ?? [];
  const advice = d?.advice ?? [];
  return `<div class="panel" id="decision" data-bdf="${esc(bdf)}" data-index="${index}">
    <h3>${esc(bdf)} BAR${index} ${d ? chip(d.mode) : chip('UNDECIDED')}</h3>
    <p>${esc(d ? modeSentence(d.mode) : 'No decision yet.')}</p>
    <h4>Why</h4>
    ${reasons.length ? `<ul class="reasons">${reasons.map((r) => `<li data-reason="${esc(r)}">${esc(reasonSentence(r, sctx))} <code class="muted">${esc(r)}</code></li>`).join('')}</ul>` : '<p class="muted reasons">No rule fired: nothing stands between this BAR and the fast path.</p>'}
    <h4>Advice</h4>
    ${advice.length ? `<ul class="advice">${advice.map((a) => `<li data-kind="${esc(a.kind)}">${esc(adviceAction(a))}${(a.apply ?? []).map(fragmentHtml).join('')}</li>`).join('')}</ul>` : '<p class="muted advice">None needed.</p>'}
    <table class="facts"><tbody>
      <tr><th>kind</th><td>${esc(bar.kind)}${bar.prefetchable ? ', prefetchable' : ''}${bar.fixed ? ', fixed' : ''}</td></tr>
      <tr><th>host</th><td class="mono">${esc(bar.address)} +${esc(bar.size)} (${human(big(bar.size))})</td></tr>
      <tr><th>guest</th><td class="mono">${esc(ctx.guest.get(key) ?? 'not programmed')}</td></tr>
      <tr><th>KVM slots</th><td>${d?.slots ?? 0}${(d?.directRanges ?? []).length ? ` — ${d.directRanges.map((r) => `<span class="mono">${esc(r.offset)}+${esc(r.size)}</span>`).join(', ')}` : ''}</td></tr>
      ${fn.msix && (fn.msix.tableBar === index || fn.msix.pbaBar === index) ? `<tr><th>MSI-X</th><td class="mono">${fn.msix.tableBar === index ? `table @${esc(fn.msix.tableOffset)} (${fn.msix.vectors} vectors)` : ''} ${fn.msix.pbaBar === index ? `PBA @${esc(fn.msix.pbaOffset)}` : ''}</td></tr>` : ''}
      <tr><th>decided</th><td>${esc(d?.decidedAt ?? '-')} <span class="muted">${esc(d?.ruleSet ?? '')}</span></td></tr>
      <tr><th>audit</th><td class="mono">${esc(d?.auditId ?? '-')}</td></tr>
    </tbody></table>
    <p><a href="#/whatif/${enc(ctx.host.id)}/${enc(ctx.pe.id)}">What if… (plan a change for this PE)</a></p>
  </div>`;
}

function barTable(ctx, selected) {
  const rows = [];
  for (const fn of ctx.pe.functions) for (const bar of fn.bars) {
    const key = keyOf(fn.bdf, bar.index);
    const d = ctx.decisions.get(key);
    rows.push(`<tr class="clickable${key === selected ? ' selected' : ''}" data-bdf="${esc(fn.bdf)}" data-index="${bar.index}"><td class="mono">${esc(fn.bdf)}</td><td>${bar.index}</td><td>${esc(bar.kind)}</td>
      <td class="mono">${esc(bar.address)}</td><td class="mono">${human(big(bar.size))}</td><td class="mono">${esc(ctx.guest.get(key) ?? '-')}</td><td>${chip(d?.mode ?? 'UNDECIDED')}</td>
      <td class="mono">${esc((d?.reasons ?? []).join(' ') || '-')}</td><td>${esc((d?.advice ?? []).map(adviceSummary).join('; ') || '-')}</td></tr>`);
  }
  return `<table id="bars"><thead><tr><th>BDF</th><th>BAR</th><th>kind</th><th>host address</th><th>size</th><th>guest address</th><th>mode</th><th>reasons</th><th>advice</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

async function auditHtml(hostId, peId) {
  const [records, verify] = await Promise.all([getIfAllowed(`/v1/audit?host=${enc(hostId)}&pe=${enc(peId)}`), getIfAllowed('/v1/audit/verify')]);
  const status = verify === null
    ? '<span class="status na" id="verify">needs auditor</span>'
    : verify.ok
      ? `<span class="status ok" id="verify">chain verified: ${verify.records} records</span>`
      : `<span class="status bad" id="verify">chain broken at ${esc(verify.failure?.hostId)}/${esc(verify.failure?.seq)}: ${esc(verify.failure?.problem ?? '')}</span>`;
  if (records === null) return `<h2>Audit trail ${status}</h2><p class="muted" id="audit">The audit trail needs the auditor (or operator) role.</p>`;
  const rows = [...records].reverse().slice(0, 60).map((r) => {
    const rec = r.record;
    const s = rec.subject ?? {};
    const what = s.kind === 'bar' ? `${s.bdf} BAR${s.index}` : `PE ${s.pe}`;
    const now = outcomeText(rec.outcome);
    const before = rec.previous ? outcomeText(rec.previous) : null;
    return `<tr><td>${r.seq}</td><td class="mono">${esc(r.recordedAt.replace('T', ' ').replace('Z', ''))}</td><td class="mono">${esc(what)}</td>
      <td>${before ? `${rec.outcome?.mode ? chip(before) : esc(before)}<span class="arrow">→</span>` : '<span class="muted">new</span><span class="arrow">→</span>'}${rec.outcome?.mode ? chip(now) : esc(now)}</td>
      <td class="mono">${esc((rec.outcome?.reasons ?? []).join(' '))}</td><td>${esc(rec.principal ?? '')}</td><td class="mono" title="${esc(r.hash)}">${esc(r.hash.slice(0, 12))}…</td></tr>`;
  });
  return `<h2>Audit trail ${status}</h2>
    <table id="audit"><thead><tr><th>seq</th><th>recorded (UTC)</th><th>subject</th><th>decision</th><th>reasons</th><th>by</th><th>hash</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="7" class="muted">no records</td></tr>'}</tbody></table>
    <p class="muted">${records.length} records for this PE, newest first${records.length > 60 ? ' (60 shown)' : ''}.</p>`;
}

async function pePage(hostId, peId, selected, seq) {
  current = { hostId, refresh: () => pePage(hostId, peId, selected, renderSeq) };
  const ctx = await loadPe(hostId, peId);
  const audit = await auditHtml(hostId, peId);
  if (stale(seq)) return;
  const a = ctx.pe.alignment;
  const sel = selected ?? null;
  main().innerHTML = `
    <p class="muted"><a href="#/">Fleet</a> / ${esc(hostId)} / PE</p>
    <h1>PE <span class="mono">${esc(peId)}</span> on <span class="mono">${esc(hostId)}</span></h1>
    <p>${esc(ctx.host.platform)}, ${human(big(ctx.host.pageSize))} host pages · VM <span class="mono">${esc(ctx.pe.vmId ?? 'none')}</span>${ctx.vm ? ` (${esc(ctx.vm.machine)}, MSI-X relocation ${esc(ctx.vm.msixRelocation)})` : ''}
      · alignment <b id="policy">${esc(a?.policy ?? '-')}</b>, override <b id="override">${esc(ctx.pe.alignmentOverride)}</b>${a?.mmioCost && a.mmioCost !== '0x0' ? `, MMIO cost ${human(big(a.mmioCost))}` : ''}${a?.kernelParameter ? `, <code>${esc(a.kernelParameter)}</code>` : ''}
      · <a href="#/whatif/${enc(hostId)}/${enc(peId)}">What if…</a></p>
    ${legendHtml()}
    <div class="layout">
      <div>
        <div class="svgwrap" id="pagemap">${pageMapSvg({ pe: ctx.pe, decisions: ctx.decisions, guest: ctx.guest, pageSize: ctx.host.pageSize, selected: sel })}</div>
      </div>
      ${decisionPanel(ctx, sel ?? '')}
    </div>
    <h2>BARs</h2>
    ${barTable(ctx, sel)}
    ${audit}`;
  const open = (bdf, index) => {
    window.location.hash = `#/pe/${enc(hostId)}/${enc(peId)}/${enc(bdf)}/${index}`;
  };
  main().querySelectorAll('svg rect.bar, svg rect.guest-bar, #bars tr.clickable').forEach((el) => {
    el.addEventListener('click', () => open(el.dataset.bdf ?? el.dataset.guestBdf, el.dataset.index ?? el.dataset.guestIndex));
  });
}

// ---------------------------------------------------------------- what-if

const whatIfState = new Map();

/** The scenario of docs/scenario.md from the live views, with the edits applied. */
function scenarioOf(host, pes, vm, peId, edits) {
  const scenarioHost = { id: host.id, platform: host.platform, pageSize: host.pageSize, kernel: host.kernel, kvmMemslots: host.kvmMemslots };
  if (host.reservedRanges?.length) scenarioHost.reservedRanges = host.reservedRanges;
  if (host.phbs?.length) scenarioHost.phbs = host.phbs;
  const scenario = {
    host: scenarioHost,
    pes: pes.map((pe) => ({
      id: pe.id,
      alignment: pe.id === peId ? edits.alignment : pe.alignmentOverride,
      functions: pe.functions.map((fn) => {
        const f = { bdf: fn.bdf, isVf: fn.isVf, bars: fn.bars };
        if (fn.vendorDevice) f.vendorDevice = fn.vendorDevice;
        if (fn.msix) f.msix = fn.msix;
        return f;
      }),
    })),
  };
  if (vm) {
    const guestBars = [];
    for (const g of vm.guestBars) {
      const k = keyOf(g.bdf, g.index);
      if (!(k in edits.guest)) guestBars.push(g);
    }
    for (const [k, address] of Object.entries(edits.guest)) {
      if (!address) continue;
      const cut = k.lastIndexOf('/');
      guestBars.push({ bdf: k.slice(0, cut), index: Number(k.slice(cut + 1)), address });
    }
    scenario.vm = { id: vm.id, machine: vm.machine, msixEmulation: vm.msixEmulation, noMmap: vm.noMmap, msixRelocation: edits.msixRelocation, memslotsUsed: vm.memslotsUsed, assignedPes: vm.assignedPes, guestBars };
  }
  return scenario;
}

async function whatIfPage(hostId, peId, seq) {
  current = { hostId, refresh: () => whatIfPage(hostId, peId, renderSeq) };
  const [ctx, pes] = await Promise.all([loadPe(hostId, peId), get(`/v1/hosts/${enc(hostId)}/pes`)]);
  if (stale(seq)) return;
  const stateKey = `${hostId} ${peId}`;
  if (!whatIfState.has(stateKey)) whatIfState.set(stateKey, { alignment: ctx.pe.alignmentOverride, msixRelocation: ctx.vm?.msixRelocation ?? 'off', guest: {}, planned: false });
  const edits = whatIfState.get(stateKey);
  const memBars = [];
  for (const fn of ctx.pe.functions) for (const bar of fn.bars) if (bar.kind !== 'io' && bar.kind !== 'rom' && bar.size !== '0x0') memBars.push({ fn, bar, key: keyOf(fn.bdf, bar.index) });
  const guestValue = (key) => (key in edits.guest ? edits.guest[key] : ctx.guest.get(key) ?? '');
  const roleNote = (ok, need) => (ok ? '' : ` <span class="muted">(needs ${need})</span>`);
  main().innerHTML = `
    <p class="muted"><a href="#/">Fleet</a> / ${esc(hostId)} / <a href="#/pe/${enc(hostId)}/${enc(peId)}">PE ${esc(peId)}</a> / what-if</p>
    <h1>What if… <span class="mono">${esc(peId)}</span> on <span class="mono">${esc(hostId)}</span></h1>
    <p class="muted">Change the facts below and plan: <code>POST /v1/plans</code> decides the whole host offline, nothing is stored. Commit only what you mean.</p>
    <div class="panel">
      <div class="toolbar">
        <label>alignment override of ${esc(peId)} <select id="alignment">${['auto', 'page', 'none'].map((o) => `<option${o === edits.alignment ? ' selected' : ''}>${o}</option>`).join('')}</select></label>
        <label>MSI-X relocation (VM ${esc(ctx.vm?.id ?? '-')}) <select id="msix" ${ctx.vm ? '' : 'disabled'}>${['off', 'bar0', 'bar1', 'bar2', 'bar3', 'bar4', 'bar5'].map((o) => `<option${o === edits.msixRelocation ? ' selected' : ''}>${o}</option>`).join('')}</select></label>
      </div>
      <table id="guest-bars"><thead><tr><th>BDF</th><th>BAR</th><th>size</th><th>guest address now</th><th>what-if guest address</th></tr></thead><tbody>
      ${memBars.map(({ fn, bar, key }) => `<tr><td class="mono">${esc(fn.bdf)}</td><td>${bar.index}</td><td class="mono">${human(big(bar.size))}</td><td class="mono">${esc(ctx.guest.get(key) ?? '-')}</td>
        <td><input class="addr" type="text" data-key="${esc(key)}" data-bdf="${esc(fn.bdf)}" data-index="${bar.index}" value="${esc(guestValue(key))}" ${ctx.vm ? '' : 'disabled'} placeholder="not programmed"></td></tr>`).join('')}
      </tbody></table>
      <div class="toolbar">
        <button class="primary" id="plan" type="button">Plan what-if</button>
        <button id="reset" type="button">Reset</button>
        <span class="muted">|</span>
        <button id="commit-alignment" type="button" disabled>Commit alignment override</button>${roleNote(caps.canAlign, 'operator')}
        <button id="commit-guest" type="button" disabled>Commit guest BARs</button>${roleNote(caps.canProgram, 'operator or provisioner')}
        <span class="muted">MSI-X relocation is set when the VM is created: what-if only.</span>
      </div>
      <div id="commit-result"></div>
    </div>
    <div id="plan-result"></div>`;

  const changedGuest = () => Object.entries(edits.guest).filter(([k, v]) => v && v !== ctx.guest.get(k));
  const updateButtons = () => {
    $('#commit-alignment').disabled = !caps.canAlign || edits.alignment === ctx.pe.alignmentOverride;
    $('#commit-guest').disabled = !caps.canProgram || changedGuest().length === 0 || !edits.planned;
    if (!caps.canAlign) $('#commit-alignment').title = 'needs the operator role';
    if (!caps.canProgram) $('#commit-guest').title = 'needs the operator or provisioner role';
  };
  const readForm = () => {
    edits.alignment = $('#alignment').value;
    edits.msixRelocation = $('#msix').value;
    for (const input of main().querySelectorAll('input.addr')) {
      const text = input.value.trim();
      const n = text ? parseAddress(text) : null;
      edits.guest[input.dataset.key] = text ? (n === null ? text : hex(n)) : '';
      if (!text && !ctx.guest.has(input.dataset.key)) delete edits.guest[input.dataset.key];
    }
  };
  const plan = async () => {
    readForm();
    const out = $('#plan-result');
    const bad = Object.entries(edits.guest).filter(([, v]) => v && parseAddress(v) === null);
    if (bad.length) {
      out.innerHTML = `<p class="error">Not an address: ${bad.map(([k, v]) => `${esc(k)} = ${esc(v)}`).join(', ')}</p>`;
      return;
    }
    const scenario = scenarioOf(ctx.host, pes, ctx.vm, peId, edits);
    try {
      const result = await api('POST', '/v1/plans', scenario);
      edits.planned = true;
      out.innerHTML = planHtml(ctx, scenario, result, peId);
    } catch (e) {
      edits.planned = false;
      const problems = e.body?.problems ?? [];
      out.innerHTML = `<div class="panel" id="plan-error"><h3 class="error">The plan refused these facts</h3><p>${esc(e.message)}</p><ul class="problems">${problems.map((p) => `<li>${esc(p.path)}: ${esc(p.message)}</li>`).join('')}</ul></div>`;
    }
    updateButtons();
  };
  main().querySelectorAll('select, input.addr').forEach((el) => el.addEventListener('change', () => {
    readForm();
    edits.planned = false;
    updateButtons();
  }));
  $('#plan').addEventListener('click', () => void plan());
  $('#reset').addEventListener('click', () => {
    whatIfState.delete(stateKey);
    void whatIfPage(hostId, peId, ++renderSeq);
  });
  $('#commit-alignment').addEventListener('click', async () => {
    await commit(() => api('PUT', `/v1/hosts/${enc(hostId)}/pes/${enc(peId)}/alignment`, { override: edits.alignment }), 'alignment override');
  });
  $('#commit-guest').addEventListener('click', async () => {
    // The set is authoritative for each function it names: resend that function's other guest BARs as they are.
    const bdfOf = (k) => k.slice(0, k.lastIndexOf('/'));
    const touched = new Set(changedGuest().map(([k]) => bdfOf(k)));
    const entries = new Map([...ctx.guest].filter(([k]) => touched.has(bdfOf(k))).concat(changedGuest()));
    const bars = [...entries].map(([k, address]) => ({ bdf: bdfOf(k), index: Number(k.slice(k.lastIndexOf('/') + 1)), address }));
    await commit(() => api('PUT', `/v1/vms/${enc(ctx.vm.id)}/guest-bars`, { bars }), 'guest BARs');
  });
  const commit = async (send, what) => {
    const out = $('#commit-result');
    try {
      await send();
      out.innerHTML = `<p class="status ok">Committed the ${esc(what)}; the live decisions follow on the <a href="#/pe/${enc(hostId)}/${enc(peId)}">PE page</a>.</p>`;
    } catch (e) {
      out.innerHTML = `<p class="error">Commit refused (${e.status ?? ''}): ${esc(e.message)}</p>`;
    }
  };
  updateButtons();
  if (edits.planned || Object.keys(edits.guest).length || edits.alignment !== ctx.pe.alignmentOverride) await plan();
}

function planHtml(ctx, scenario, plan, peId) {
  const sctx = { pageSize: ctx.host.pageSize, subPageMmap: ctx.host.kernel?.subPageMmap };
  const mine = plan.bars.filter((b) => b.pe === peId);
  const rows = mine.map((b) => {
    const now = ctx.decisions.get(keyOf(b.bdf, b.index));
    const changed = now?.mode !== b.mode;
    return `<tr class="${changed ? 'changed' : ''}" data-bdf="${esc(b.bdf)}" data-index="${b.index}" data-now="${esc(now?.mode ?? '')}" data-planned="${esc(b.mode)}">
      <td class="mono">${esc(b.bdf)}</td><td>${b.index}</td><td>${chip(now?.mode ?? 'UNDECIDED')}${changed ? `<span class="arrow">→</span>${chip(b.mode)}` : ' <span class="muted">unchanged</span>'}</td>
      <td><ul>${b.reasons.map((r) => `<li data-reason="${esc(r)}">${esc(reasonSentence(r, sctx))} <code class="muted">${esc(r)}</code></li>`).join('') || '<li class="muted">no rule fired</li>'}</ul></td>
      <td>${b.advice.map((a) => `<div data-kind="${esc(a.kind)}">${esc(adviceAction(a))}</div>`).join('') || '-'}</td></tr>`;
  });
  const nowVm = new Map((ctx.vm?.decisions ?? []).map((d) => [keyOf(d.bdf, d.index), d.mode]));
  const elsewhere = plan.bars.filter((b) => b.pe !== peId && nowVm.has(keyOf(b.bdf, b.index)) && nowVm.get(keyOf(b.bdf, b.index)) !== b.mode);
  const planned = new Map(plan.bars.map((b) => [keyOf(b.bdf, b.index), b]));
  const guest = new Map((scenario.vm?.guestBars ?? []).map((g) => [keyOf(g.bdf, g.index), g.address]));
  const peAlign = plan.pes.find((p) => p.id === peId)?.alignment;
  return `<h2>The plan</h2>
    <p>alignment policy <b>${esc(peAlign?.policy ?? '-')}</b> (override ${esc(peAlign?.override ?? '-')})${peAlign?.kernelParameter ? `, <code>${esc(peAlign.kernelParameter)}</code>` : ''}${plan.vm ? ` · VM needs ${plan.vm.slotsNeeded} BAR slots, ${plan.vm.slotsUsedBefore} in use, limit ${plan.vm.slotLimit}` : ''}</p>
    <table id="plan-bars"><thead><tr><th>BDF</th><th>BAR</th><th>mode now → planned</th><th>why (planned)</th><th>advice</th></tr></thead><tbody>${rows.join('')}</tbody></table>
    ${elsewhere.length ? `<h2>Other BARs of the VM that change</h2><ul id="plan-elsewhere">${elsewhere.map((b) => `<li class="mono">${esc(b.bdf)} BAR${b.index}: ${chip(nowVm.get(keyOf(b.bdf, b.index)))}<span class="arrow">→</span>${chip(b.mode)} ${esc(b.reasons.join(' '))}</li>`).join('')}</ul>` : ''}
    <h2>Planned page map</h2>
    <div class="svgwrap" id="plan-map">${pageMapSvg({ pe: ctx.pe, decisions: planned, guest, pageSize: ctx.host.pageSize, idPrefix: 'plan' })}</div>`;
}

// ---------------------------------------------------------------- boot

window.addEventListener('hashchange', () => {
  if (token.get()) void route();
});
$('#signout').addEventListener('click', () => {
  token.clear();
  showLogin();
});
if (token.get()) void start();
else showLogin();
