/* global document, getSelection, Element */
// Advice fragments (docs/domain.md "Advice": `apply`): the exact text to paste, with a copy button.
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const FRAGMENT_TITLES = {
  'libvirt-xml': 'libvirt domain XML',
  'qemu-cmdline': 'QEMU command line',
  'host-kernel-cmdline': 'host kernel command line',
  'guest-kernel-cmdline': 'guest kernel command line',
};

/** One fragment of advice to paste, exactly as the API gave it, with a button that copies it. */
export function fragmentHtml(f) {
  return `<div class="fragment" data-target="${esc(f.target)}">
    <div class="fragment-head">${esc(FRAGMENT_TITLES[f.target] ?? f.target)} <button type="button" class="copy">Copy</button></div>
    <pre class="mono">${esc(f.text)}</pre>
    <p class="muted">${esc(f.note)}</p></div>`;
}

// Copy buttons of advice fragments, wherever a page renders them: the text of the <pre> beside
// the button, unchanged. 127.0.0.1 is a secure context, so the async clipboard is there; on a
// plain-HTTP host name it is not, and the selected text is copied the old way.
document.addEventListener('click', async (e) => {
  const button = e.target instanceof Element ? e.target.closest('.fragment button.copy') : null;
  if (!button) return;
  const pre = button.closest('.fragment').querySelector('pre');
  const text = pre.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(pre);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    document.execCommand('copy');
  }
  button.textContent = 'Copied';
  setTimeout(() => (button.textContent = 'Copy'), 1500);
});
