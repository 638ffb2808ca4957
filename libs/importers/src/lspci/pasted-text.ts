/** One line of pasted text: its 1-based number in the input and its text with the paste's wrapping removed. */
export interface PastedLine {
  readonly no: number;
  readonly text: string;
}

/** What is left of pasted text once its Markdown wrapping is taken off. */
export interface UnwrappedText {
  /** The lines inside the paste (blank lines kept), with the block's common indentation removed. */
  readonly lines: readonly PastedLine[];
  /** Non-blank lines outside it (prose around a fenced block, text less indented than the block), as given. */
  readonly outside: readonly PastedLine[];
}

const FENCE = /^\s*(```|~~~)/;
// CommonMark: a block quote marker may be indented by up to 3 spaces. lspci's own lines start
// with a tab or a bus number, never with '>', so stripping it cannot eat real output.
const QUOTE = /^ {0,3}> ?/;

/**
 * Takes text as people paste it (from a ticket, a chat, a Markdown file) back to the tool's
 * own output: Markdown block quotes (`> `, nested too) are unquoted; when the text holds
 * fenced code blocks (``` or ~~~) only their contents count; and the indentation that every
 * line of the block shares, as shown by the lines that `isTopLevel` recognises (lspci's
 * function headers), is removed. Pure.
 */
export function unwrapPastedText(text: string, isTopLevel: (trimmed: string) => boolean): UnwrappedText {
  const raw = text.split(/\r?\n/);
  const unquoted = raw.map((line) => {
    let s = line;
    while (QUOTE.test(s)) s = s.replace(QUOTE, '');
    return s;
  });

  const outside: PastedLine[] = [];
  let inside: PastedLine[] = [];
  if (unquoted.some((s) => FENCE.test(s))) {
    let fenced = false;
    unquoted.forEach((s, i) => {
      if (FENCE.test(s)) fenced = !fenced;
      else if (fenced) inside.push({ no: i + 1, text: s });
      else if (s.trim() !== '') outside.push({ no: i + 1, text: raw[i] });
    });
  } else {
    inside = unquoted.map((s, i) => ({ no: i + 1, text: s }));
  }

  const indent = commonIndent(inside.filter((l) => isTopLevel(l.text.trim())).map((l) => leadingWhitespace(l.text)));
  const lines: PastedLine[] = [];
  for (const l of inside) {
    if (l.text.trim() === '') lines.push({ no: l.no, text: '' });
    else if (l.text.startsWith(indent)) lines.push({ no: l.no, text: l.text.slice(indent.length) });
    else outside.push({ no: l.no, text: raw[l.no - 1] });
  }
  outside.sort((a, b) => a.no - b.no);
  return { lines, outside };
}

function leadingWhitespace(s: string): string {
  return /^\s*/.exec(s)![0];
}

/** The longest prefix the given indentations share ('' when there are none). */
function commonIndent(indents: readonly string[]): string {
  if (indents.length === 0) return '';
  let prefix = indents[0];
  for (const s of indents) {
    let n = 0;
    while (n < prefix.length && n < s.length && prefix[n] === s[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix;
}
