import { ApiError, capabilities, token } from './api-client';
import type { DecisionEvent } from './api-types';
import { decisionStream } from './decision-stream';
import { fleetPage } from './fleet-page';
import { esc } from './format';
import { installCopyButtons } from './fragments';
import { $, main, outcomeText, session } from './page-state';
import { pePage } from './pe-page';
import { whatIfPage } from './what-if-page';

// The barplane dashboard's shell (bundled by the API into /dashboard/app.js): sign-in, the
// live decision stream, hash routing to the fleet, PE and what-if pages. No framework.

let stopStream: (() => void) | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

function toast(html: string): void {
  const el = document.createElement('div');
  el.className = 'toast';
  el.innerHTML = html;
  $('#toasts').append(el);
  setTimeout(() => el.remove(), 8000);
}

function setLive(state: string, text = state): void {
  $('#live').dataset.state = state;
  $('#live').textContent = text;
}

function showLogin(message = ''): void {
  stopStream?.();
  stopStream = null;
  $('#signout').hidden = true;
  $('#who').textContent = '';
  setLive('off', 'offline');
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
    token.set($<HTMLInputElement>('#token').value.trim());
    await start();
  });
}

async function start(): Promise<void> {
  try {
    session.caps = await capabilities();
  } catch (e) {
    token.clear();
    return showLogin(
      e instanceof ApiError && e.status === 401
        ? 'That token is not valid.'
        : `The API did not answer: ${(e as Error).message}`,
    );
  }
  const { caps } = session;
  $('#who').textContent = caps.canAlign
    ? 'can commit'
    : caps.canProgram
      ? 'can program guest BARs'
      : caps.canAudit
        ? 'can audit'
        : 'read only';
  $('#signout').hidden = false;
  stopStream?.();
  stopStream = decisionStream(onDecision, (state) => setLive(state));
  await route();
}

function onDecision(d: DecisionEvent): void {
  const s = d.subject ?? {};
  const what = s.kind === 'bar' ? `${s.bdf} BAR${s.index}` : `PE ${s.pe ?? ''}`;
  const now = outcomeText(d.outcome);
  const before = d.previous ? outcomeText(d.previous) : null;
  toast(
    `<b>new decision</b> ${esc(d.hostId)} ${esc(what)}: ${before && before !== now ? `${esc(before)} → ` : ''}${esc(now)}${d.principal ? ` <span class="muted">by ${esc(d.principal)}</span>` : ''}`,
  );
  if (!session.current.hostId || session.current.hostId === d.hostId) {
    clearTimeout(refreshTimer);
    // Whatever page is on screen when the timer fires is the one to refresh.
    refreshTimer = setTimeout(() => void session.current.refresh(), 300);
  }
}

async function route(): Promise<void> {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const seq = ++session.renderSeq;
  try {
    if (parts[0] === 'pe' && parts.length >= 3)
      await pePage(parts[1], parts[2], parts[3] ? `${parts[3]}/${parts[4]}` : null, seq);
    else if (parts[0] === 'whatif' && parts.length >= 3) await whatIfPage(parts[1], parts[2], seq);
    else await fleetPage(seq);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin('The token was refused.');
    main().innerHTML = `<p class="error">${esc((e as Error).message)}</p>`;
  }
}

installCopyButtons();
window.addEventListener('hashchange', () => {
  if (token.get()) void route();
});
$('#signout').addEventListener('click', () => {
  token.clear();
  showLogin();
});
if (token.get()) void start();
else showLogin();
