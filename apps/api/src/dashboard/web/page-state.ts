import type { Capabilities } from './api-client';

// What the pages share: the token's capabilities, the page on screen (so a live decision can
// refresh it), and a render counter so a slow load never paints over a newer page.

export const session = {
  caps: { canAudit: false, canProgram: false, canAlign: false } as Capabilities,
  current: { hostId: null as string | null, refresh: async (): Promise<void> => undefined },
  renderSeq: 0,
};

/** A page that started at `seq` and was overtaken by a newer one must not paint. */
export const stale = (seq: number): boolean => seq !== session.renderSeq;

/** The one element a selector names; the page's own markup guarantees it. */
export function $<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`no ${selector} on the page`);
  return el;
}

export const main = (): HTMLElement => $('#main');

/** A BAR outcome by its mode, a PE's alignment by its policy and the override that applied. */
export const outcomeText = (o: { mode?: string; policy?: string; override?: string } | null | undefined): string =>
  o?.mode ?? (o?.policy ? `${o.policy} (override ${o.override})` : '');
