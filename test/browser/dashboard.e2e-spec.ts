import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { modeSentence, reasonSentence } from '@barplane/domain';
import { MODE_COLOURS } from '../../apps/api/src/dashboard/web/page-map';
import { TOKENS } from '../api/api-harness';
import { ControlPlane, startControlPlane } from '../e2e/control-plane-harness';
import { loadPower9 } from './fixture';

// The web dashboard in real headless Chromium (Debian's /usr/bin/chromium; never a download)
// against the whole control plane in this process. Screenshots: test-artifacts/dashboard/.
jest.setTimeout(180_000);

const CHROMIUM = process.env.BARPLANE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'dashboard');
const PE = '0001:01';

let cp: ControlPlane;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let hostId: string;
let vmId: string;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const peHash = (pe: string) => `#/pe/${encodeURIComponent(hostId)}/${encodeURIComponent(pe)}`;
const countBy = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});

async function signIn(role: keyof typeof TOKENS) {
  if (await page.locator('#signout').isVisible()) await page.click('#signout');
  await page.fill('#token', TOKENS[role]);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#live[data-state="live"]');
}

/**
 * Clicks a fragment's copy button until it says "Copied" (for 1.5 s), up to four times. A
 * clean-clone CI run on a busy machine once waited 30 s for the label after one click; three
 * runs here passed at once. The suspect: the decision panel drawn again by a live decision
 * between the click and the wait, which replaces the button (and its label) with a fresh one.
 */
async function copyShowsCopied(fragment: ReturnType<Page['locator']>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await fragment.locator('button.copy').click();
    try {
      await fragment.locator('button.copy', { hasText: 'Copied' }).waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
}

async function modesOnMap(): Promise<string[]> {
  return page.$$eval('#pagemap rect.bar', (els) => els.map((e) => e.getAttribute('data-mode') ?? ''));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-chromium.mjs`);
  mkdirSync(SHOTS, { recursive: true });
  cp = await startControlPlane();
  ({ hostId, vmId } = await loadPower9(cp.api, `p9-web-${Date.now()}`));
  userDataDir = mkdtempSync(join(tmpdir(), 'barplane-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 960 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[03]/.test(m.text())) pageErrors.push(`${m.text()} ${m.location().url}`);
  });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await cp?.stop();
});

describe('web dashboard (headless Chromium, whole control plane)', () => {
  it('serves the app without a token, asks for one, keeps it in sessionStorage and shows the fleet', async () => {
    const res = await fetch(`${cp.api.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${cp.api.url}/dashboard/..%2Fdashboard.controller.ts`)).status).toBe(404);

    await page.goto(`${cp.api.url}/`);
    await page.waitForSelector('#token');
    await shot('01-sign-in');
    await signIn('viewer');
    expect(await page.evaluate("sessionStorage.getItem('barplane.token')")).toBe(TOKENS.viewer);
    expect(page.url()).not.toContain(TOKENS.viewer);

    const row = page.locator(`#hosts tr[data-host="${hostId}"]`);
    await row.waitFor();
    const host = (await cp.api.call('GET', `/v1/hosts/${hostId}`)).body;
    expect(await row.innerText()).toContain(`${host.coverage.bars.fastPath}/${host.coverage.bars.total}`);
    expect(await page.locator('#pes a', { hasText: PE }).count()).toBeGreaterThan(0);
    // The page draws the API's ranking and figures as they are (GET /v1/fleet), computing none.
    const fleet = (await cp.api.call('GET', '/v1/fleet')).body;
    const ours = fleet.pes.filter((p: any) => p.hostId === hostId);
    const shown = await page.$$eval(
      '#pes tbody tr',
      (rows, id) =>
        rows.filter((r) => r.cells[0].textContent === id).map((r) => [r.cells[1].textContent, r.cells[6].textContent]),
      hostId,
    );
    expect(shown.map(([pe]) => pe)).toEqual(ours.map((p: any) => p.id));
    expect(shown.every(([, bytes]) => bytes === '0' || / of /.test(bytes ?? ''))).toBe(true);
    await shot('02-fleet');
  });

  it('draws the POWER9 PE page map: one rect per BAR, coloured by its decided mode, reservations and guest pages beside', async () => {
    await page.click(`#pes a[href="${peHash(PE)}"]`);
    await page.waitForSelector('#pagemap rect.bar');
    const decided = (await cp.api.call('GET', `/v1/decisions?host=${hostId}&pe=${encodeURIComponent(PE)}`)).body as {
      mode: string;
    }[];
    expect(decided).toHaveLength(5);
    const modes = await modesOnMap();
    expect(countBy(modes)).toEqual(countBy(decided.map((d) => d.mode)));
    expect(countBy(modes)).toEqual({ DIRECT: 1, DIRECT_PAGE_EXPANDED: 4 });
    const fills = await page.$$eval('#pagemap rect.bar', (els) =>
      els.map((e) => [e.getAttribute('data-mode'), e.getAttribute('fill')]),
    );
    for (const [mode, fill] of fills) expect(fill).toBe(MODE_COLOURS[mode!]);
    // vfio-pci reserved the rest of each 8K BAR's 64K page; the guest side shows five BARs too.
    expect(await page.locator('#pagemap rect.reservation').count()).toBe(4);
    expect(await page.locator('#pagemap rect.guest-bar').count()).toBe(5);
    expect(await page.locator('#verify').innerText()).toBe('needs auditor');
    await shot('03-pe-page-map');

    // A PE with MSI-X: the table and the PBA are marked inside the NVMe's 16K BAR.
    await page.goto(`${cp.api.url}/${peHash('0001:03')}`);
    await page.waitForSelector('#pagemap rect.msix-table');
    expect(await page.locator('#pagemap rect.msix-pba').count()).toBe(1);
    await shot('04-pe-msix');
  });

  it('opens a decision: the reasons as sentences, with the advice', async () => {
    await page.goto(`${cp.api.url}/${peHash(PE)}`);
    await page.click('#pagemap rect.bar[data-bdf="0001:01:00.1"][data-index="0"]');
    const panel = page.locator('#decision[data-bdf="0001:01:00.1"]');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain(modeSentence('DIRECT_PAGE_EXPANDED'));
    expect(text).toContain(reasonSentence('EXPANDED_TO_PAGE', { pageSize: '0x10000', subPageMmap: true }));
    expect(text).toContain('0x200000080000');
    await shot('05-decision');
  });

  it("serves one bundle built from the TypeScript source: the sentences are the library's, with no copy to keep equal", async () => {
    const res = await fetch(`${cp.api.url}/dashboard/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await res.text();
    expect(js).toContain(modeSentence('DIRECT'));
    expect(js).not.toMatch(/^import /m);
    for (const gone of ['reason-sentences.js', 'api.js', 'app.ts', 'tsconfig.json'])
      expect((await fetch(`${cp.api.url}/dashboard/${gone}`)).status).toBe(404);
  });

  it('plans a what-if: a guest BAR moved off its 64K page becomes EMULATED; a viewer cannot commit', async () => {
    await page.goto(`${cp.api.url}/#/whatif/${encodeURIComponent(hostId)}/${encodeURIComponent(PE)}`);
    const input = page.locator('input.addr[data-key="0001:01:00.1/0"]');
    await input.waitFor();
    expect(await input.inputValue()).toBe('0x200000080000');
    // Not a multiple of the 8K BAR size: the plan refuses the facts and says why.
    await input.fill('0x200000081000');
    await page.click('#plan');
    await page.waitForSelector('#plan-error');
    expect(await page.locator('#plan-error').innerText()).toMatch(/guestBars.*0001:01:00\.1|aligned/i);
    // 8K aligned, but not on a 64K page: the sub-page BAR cannot grow to a page.
    await input.fill('0x200000082000');
    await page.click('#plan');
    const row = page.locator('#plan-bars tr[data-bdf="0001:01:00.1"][data-index="0"]');
    await row.waitFor();
    expect(await row.getAttribute('data-now')).toBe('DIRECT_PAGE_EXPANDED');
    expect(await row.getAttribute('data-planned')).toBe('EMULATED');
    expect(await row.innerText()).toContain(reasonSentence('GUEST_SUBPAGE_UNALIGNED', { pageSize: '0x10000' }));
    expect(await row.locator('[data-kind="GUEST_PLACEMENT"]').count()).toBe(1);
    expect(await page.locator('#plan-map rect.bar[data-mode="EMULATED"]').count()).toBe(1);
    expect(await page.locator('#commit-guest').isDisabled()).toBe(true);
    expect(await page.locator('#commit-alignment').isDisabled()).toBe(true);
    await shot('06-what-if');
    // Nothing was stored.
    const now = (await cp.api.call('GET', `/v1/decisions?host=${hostId}&pe=${encodeURIComponent(PE)}`)).body as {
      bdf: string;
      mode: string;
    }[];
    expect(now.find((d) => d.bdf === '0001:01:00.1')!.mode).toBe('DIRECT_PAGE_EXPANDED');
  });

  it('shows a new decision live: an alignment override PUT through the API reaches the open PE page', async () => {
    await page.goto(`${cp.api.url}/${peHash(PE)}`);
    await page.waitForSelector('#live[data-state="live"]');
    expect(await page.locator('#override').innerText()).toBe('auto');
    const put = await cp.api.call('PUT', `/v1/hosts/${hostId}/pes/${PE}/alignment`, {
      role: 'operator',
      body: { override: 'page' },
    });
    expect(put.status).toBe(200);
    await page.locator('.toast', { hasText: 'new decision' }).first().waitFor({ timeout: 30_000 });
    await page.locator('#override', { hasText: /^page$/ }).waitFor({ timeout: 30_000 });
    await shot('07-live-update');
  });

  it('shows the audit trail and a verified chain to an auditor', async () => {
    await signIn('auditor');
    await page.goto(`${cp.api.url}/${peHash(PE)}`);
    await page.waitForSelector('#verify.ok');
    expect(await page.locator('#verify').innerText()).toMatch(/^chain verified: \d+ records$/);
    const audit = (
      await cp.api.call('GET', `/v1/audit?host=${hostId}&pe=${encodeURIComponent(PE)}`, { role: 'auditor' })
    ).body as unknown[];
    expect(await page.locator('#audit tbody tr').count()).toBe(Math.min(audit.length, 60));
    await shot('08-audit');
  });

  it('lets an operator commit the what-if; the page map follows the new decision', async () => {
    await signIn('operator');
    await page.goto(`${cp.api.url}/#/whatif/${encodeURIComponent(hostId)}/${encodeURIComponent(PE)}`);
    const input = page.locator('input.addr[data-key="0001:01:00.1/0"]');
    await input.waitFor();
    await input.fill('0x200000082000');
    await page.click('#plan');
    await page.locator('#plan-bars tr[data-bdf="0001:01:00.1"][data-planned="EMULATED"]').waitFor();
    expect(await page.locator('#commit-guest').isDisabled()).toBe(false);
    await page.click('#commit-guest');
    await page.locator('#commit-result .ok').waitFor();
    await page.goto(`${cp.api.url}/${peHash(PE)}`);
    await page.locator('#pagemap rect.bar[data-mode="EMULATED"]').waitFor({ timeout: 30_000 });
    const decided = (await cp.api.call('GET', `/v1/decisions?vm=${vmId}&pe=${encodeURIComponent(PE)}`)).body as {
      mode: string;
    }[];
    expect(countBy(await modesOnMap())).toEqual(countBy(decided.map((d) => d.mode)));
    await page.click('#pagemap rect.bar[data-mode="EMULATED"]');
    await page.locator('#decision [data-kind="GUEST_PLACEMENT"]').waitFor();
    // The advice's fragments to paste, each with a copy button that copies its text as it is.
    const fragment = page.locator('#decision [data-kind="GUEST_PLACEMENT"] .fragment').first();
    expect(await fragment.locator('pre').innerText()).not.toBe('');
    await copyShowsCopied(fragment);
    await shot('09-committed');
    expect(pageErrors).toEqual([]);
  });
});
