import { ApiError, api } from './api-client';
import { big, enc, esc, hex, human, keyOf, parseAddress } from './format';
import { loadPe, splitKey } from './pe-data';
import { $, main, session, stale } from './page-state';
import { planHtml } from './plan-section';
import { WhatIfEdits, withEdits } from './what-if-edits';

// What if...: replan the PE's host with another alignment override, guest BAR addresses or
// MSI-X relocation (POST /v1/plans, nothing stored), and commit what the token may commit.

const whatIfState = new Map<string, WhatIfEdits>();

export async function whatIfPage(hostId: string, peId: string, seq: number): Promise<void> {
  session.current = { hostId, refresh: () => whatIfPage(hostId, peId, session.renderSeq) };
  const [ctx, scenario] = await Promise.all([loadPe(hostId, peId), api.scenario(hostId, peId)]);
  if (stale(seq)) return;
  const { caps } = session;
  const stateKey = `${hostId} ${peId}`;
  if (!whatIfState.has(stateKey))
    whatIfState.set(stateKey, {
      alignment: ctx.pe.alignmentOverride,
      msixRelocation: ctx.vm?.msixRelocation ?? 'off',
      guest: {},
      planned: false,
    });
  const edits = whatIfState.get(stateKey)!;
  const memBars = ctx.pe.functions.flatMap((fn) =>
    fn.bars
      .filter((bar) => bar.kind !== 'io' && bar.kind !== 'rom' && bar.size !== '0x0')
      .map((bar) => ({ fn, bar, key: keyOf(fn.bdf, bar.index) })),
  );
  const guestValue = (key: string) => (key in edits.guest ? edits.guest[key] : (ctx.guest.get(key) ?? ''));
  const roleNote = (ok: boolean, need: string) => (ok ? '' : ` <span class="muted">(needs ${need})</span>`);
  const options = (values: string[], chosen: string) =>
    values.map((o) => `<option${o === chosen ? ' selected' : ''}>${o}</option>`).join('');
  main().innerHTML = `
    <p class="muted"><a href="#/">Fleet</a> / ${esc(hostId)} / <a href="#/pe/${enc(hostId)}/${enc(peId)}">PE ${esc(peId)}</a> / what-if</p>
    <h1>What if… <span class="mono">${esc(peId)}</span> on <span class="mono">${esc(hostId)}</span></h1>
    <p class="muted">Change the facts below and plan: <code>POST /v1/plans</code> decides the whole host offline, nothing is stored. Commit only what you mean.</p>
    <div class="panel">
      <div class="toolbar">
        <label>alignment override of ${esc(peId)} <select id="alignment">${options(['auto', 'page', 'none'], edits.alignment)}</select></label>
        <label>MSI-X relocation (VM ${esc(ctx.vm?.id ?? '-')}) <select id="msix" ${ctx.vm ? '' : 'disabled'}>${options(['off', 'bar0', 'bar1', 'bar2', 'bar3', 'bar4', 'bar5'], edits.msixRelocation)}</select></label>
      </div>
      <table id="guest-bars"><thead><tr><th>BDF</th><th>BAR</th><th>size</th><th>guest address now</th><th>what-if guest address</th></tr></thead><tbody>
      ${memBars
        .map(
          ({
            fn,
            bar,
            key,
          }) => `<tr><td class="mono">${esc(fn.bdf)}</td><td>${bar.index}</td><td class="mono">${human(big(bar.size))}</td><td class="mono">${esc(ctx.guest.get(key) ?? '-')}</td>
        <td><input class="addr" type="text" data-key="${esc(key)}" data-bdf="${esc(fn.bdf)}" data-index="${bar.index}" value="${esc(guestValue(key))}" ${ctx.vm ? '' : 'disabled'} placeholder="not programmed"></td></tr>`,
        )
        .join('')}
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

  const commitAlignment = $<HTMLButtonElement>('#commit-alignment');
  const commitGuest = $<HTMLButtonElement>('#commit-guest');
  const changedGuest = () => Object.entries(edits.guest).filter(([k, v]) => v && v !== ctx.guest.get(k));
  const updateButtons = () => {
    commitAlignment.disabled = !caps.canAlign || edits.alignment === ctx.pe.alignmentOverride;
    commitGuest.disabled = !caps.canProgram || changedGuest().length === 0 || !edits.planned;
    if (!caps.canAlign) commitAlignment.title = 'needs the operator role';
    if (!caps.canProgram) commitGuest.title = 'needs the operator or provisioner role';
  };
  const readForm = () => {
    edits.alignment = $<HTMLSelectElement>('#alignment').value;
    edits.msixRelocation = $<HTMLSelectElement>('#msix').value;
    for (const input of main().querySelectorAll<HTMLInputElement>('input.addr')) {
      const key = input.dataset.key ?? '';
      const text = input.value.trim();
      const n = text ? parseAddress(text) : null;
      edits.guest[key] = text ? (n === null ? text : hex(n)) : '';
      if (!text && !ctx.guest.has(key)) delete edits.guest[key];
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
    const edited = withEdits(scenario, peId, edits);
    try {
      const result = await api.plan(edited);
      edits.planned = true;
      out.innerHTML = planHtml(ctx, edited, result, peId);
    } catch (e) {
      edits.planned = false;
      const problems = e instanceof ApiError ? (e.body?.problems ?? []) : [];
      out.innerHTML = `<div class="panel" id="plan-error"><h3 class="error">The plan refused these facts</h3><p>${esc((e as Error).message)}</p><ul class="problems">${problems.map((p) => `<li>${esc(p.path)}: ${esc(p.message)}</li>`).join('')}</ul></div>`;
    }
    updateButtons();
  };
  const commit = async (send: () => Promise<unknown>, what: string) => {
    const out = $('#commit-result');
    try {
      await send();
      out.innerHTML = `<p class="status ok">Committed the ${esc(what)}; the live decisions follow on the <a href="#/pe/${enc(hostId)}/${enc(peId)}">PE page</a>.</p>`;
    } catch (e) {
      out.innerHTML = `<p class="error">Commit refused (${e instanceof ApiError ? e.status : ''}): ${esc((e as Error).message)}</p>`;
    }
  };
  main()
    .querySelectorAll('select, input.addr')
    .forEach((el) =>
      el.addEventListener('change', () => {
        readForm();
        edits.planned = false;
        updateButtons();
      }),
    );
  $('#plan').addEventListener('click', () => void plan());
  $('#reset').addEventListener('click', () => {
    whatIfState.delete(stateKey);
    void whatIfPage(hostId, peId, ++session.renderSeq);
  });
  commitAlignment.addEventListener(
    'click',
    () => void commit(() => api.setAlignment(hostId, peId, edits.alignment), 'alignment override'),
  );
  commitGuest.addEventListener('click', () => {
    // The set is authoritative for each function it names: resend that function's other guest BARs as they are.
    const touched = new Set(changedGuest().map(([k]) => splitKey(k).bdf));
    const entries = new Map([...ctx.guest].filter(([k]) => touched.has(splitKey(k).bdf)).concat(changedGuest()));
    const bars = [...entries].map(([k, address]) => ({ ...splitKey(k), address }));
    void commit(() => api.setGuestBars(ctx.vm!.id, bars), 'guest BARs');
  });
  updateButtons();
  if (edits.planned || Object.keys(edits.guest).length || edits.alignment !== ctx.pe.alignmentOverride) await plan();
}
