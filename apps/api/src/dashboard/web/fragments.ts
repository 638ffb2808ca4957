import { APPLY_TARGET_TITLES, type ApplyFragmentJson } from '@barplane/domain/explain/reason-sentences';
import { esc } from './format';

// Advice fragments (docs/domain.md "Advice": `apply`): the exact text to paste, with a copy
// button, under the same headings as `barplane explain`.

/** One fragment of advice to paste, exactly as the API gave it, with a button that copies it. */
export function fragmentHtml(f: ApplyFragmentJson): string {
  return `<div class="fragment" data-target="${esc(f.target)}">
    <div class="fragment-head">${esc(APPLY_TARGET_TITLES[f.target] ?? f.target)} <button type="button" class="copy">Copy</button></div>
    <pre class="mono">${esc(f.text)}</pre>
    <p class="muted">${esc(f.note)}</p></div>`;
}

/**
 * Copy buttons of advice fragments, wherever a page renders them: the text of the <pre> beside
 * the button, unchanged. 127.0.0.1 is a secure context, so the async clipboard is there; on a
 * plain-HTTP host name it is not, and the selected text is copied the old way.
 */
export function installCopyButtons(): void {
  document.addEventListener('click', async (e) => {
    const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('.fragment button.copy') : null;
    const pre = button?.closest('.fragment')?.querySelector('pre');
    if (!button || !pre) return;
    const text = pre.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      document.execCommand('copy');
    }
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
}
