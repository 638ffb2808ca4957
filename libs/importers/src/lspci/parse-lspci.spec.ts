import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportedFunction } from '../imported';
import { parseLspci } from './parse-lspci';
import { unwrapPastedText } from './pasted-text';

// Real captures (test/fixtures/lspci) pasted the ways people paste them: the parse must find
// the same functions as from the capture itself, and name every line it did not read.
const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'lspci');
const capture = (name: string) => readFileSync(join(fixtures, name), 'utf8').replace(/\n$/, '');
const lines = (text: string) => text.split('\n');

function parse(text: string): { functions: ImportedFunction[]; warnings: string[] } {
  const warnings: string[] = [];
  return { functions: parseLspci(text, warnings), warnings };
}

describe('lspci text pasted from a ticket or a Markdown file', () => {
  const nvme = capture('nvme-root.txt');
  const plain = parse(nvme);

  it('reads the plain capture with no skipped line (the reference for the pasted forms)', () => {
    expect(plain.functions.map((f) => f.bdf)).toEqual(['0000:00:00.0', '0000:00:1c.0', '0000:01:00.0']);
    expect(plain.functions[2].msix).toMatchObject({ vectors: expect.any(Number) });
    expect(plain.warnings.filter((w) => w.includes('skipped'))).toEqual([]);
  });

  it.each([
    [
      'four spaces (a Markdown code block)',
      (t: string) =>
        lines(t)
          .map((l) => (l === '' ? '' : `    ${l}`))
          .join('\n'),
    ],
    [
      'a tab',
      (t: string) =>
        lines(t)
          .map((l) => `\t${l}`)
          .join('\n'),
    ],
    [
      'two spaces, CRLF line ends',
      (t: string) =>
        lines(t)
          .map((l) => `  ${l}`)
          .join('\r\n'),
    ],
    [
      'a Markdown quote',
      (t: string) =>
        lines(t)
          .map((l) => (l === '' ? '>' : `> ${l}`))
          .join('\n'),
    ],
    [
      'a nested Markdown quote',
      (t: string) =>
        lines(t)
          .map((l) => `> > ${l}`)
          .join('\n'),
    ],
  ])('finds the same functions when the whole block is indented by %s', (_what, wrap) => {
    const pasted = parse(wrap(nvme));
    expect(pasted.functions).toEqual(plain.functions);
    expect(pasted.warnings).toEqual(plain.warnings);
  });

  it('reads a fenced block inside a Markdown file and names each prose line it skipped', () => {
    const md = ['# Ticket 4711', '', 'lspci on the host:', '', '```text', nvme, '```', '', 'Thanks!'].join('\n');
    const pasted = parse(md);
    expect(pasted.functions).toEqual(plain.functions);
    const last = 5 + lines(nvme).length + 3; // 5 lines before the capture; then the fence, a blank line, the prose
    expect(pasted.warnings.filter((w) => w.includes('skipped'))).toEqual([
      'line 1 skipped (not lspci output): "# Ticket 4711"',
      'line 3 skipped (not lspci output): "lspci on the host:"',
      `line ${last} skipped (not lspci output): "Thanks!"`,
    ]);
  });

  it('reads an indented fenced block inside a quote', () => {
    const md = ['> ```', ...lines(capture('82599-root.txt')).map((l) => `> ${l}`), '> ```'].join('\n');
    const pasted = parse(md);
    expect(pasted.functions).toEqual(parse(capture('82599-root.txt')).functions);
    expect(pasted.functions.length).toBeGreaterThan(0);
  });

  it('skips text before the first function and text at the header level that is not a header, with line numbers', () => {
    const text = [
      'Here is what lspci -vvv -nn says:',
      '  01:00.0 Non-Volatile memory controller [0108]: Intel Corporation Optane SSD 900P Series [8086:2700]',
      '  \tRegion 0: Memory at f7010000 (64-bit, non-prefetchable) [size=16K]',
      '  (trimmed)',
      '  \tRegion 2: Memory at f7000000 (64-bit, non-prefetchable) [size=16K]',
    ].join('\n');
    const { functions, warnings } = parse(text);
    expect(functions).toHaveLength(1);
    expect(functions[0].bars.map((b) => [b.index, b.address])).toEqual([
      [0, 0xf7010000n],
      [2, 0xf7000000n],
    ]);
    expect(warnings).toEqual([
      'line 1 skipped (not lspci output): "Here is what lspci -vvv -nn says:"',
      'line 4 skipped (not lspci output): "(trimmed)"',
    ]);
  });

  it('shows a tab in a skipped line and cuts a long one', () => {
    const long = 'x'.repeat(150);
    const { warnings } = parse([`a\tb`, long, '01:00.0 Ethernet controller [0200]: X [8086:10fb]'].join('\n'));
    expect(warnings).toEqual([
      'line 1 skipped (not lspci output): "a\\tb"',
      `line 2 skipped (not lspci output): "${'x'.repeat(100)}..."`,
    ]);
  });
});

describe('unwrapPastedText', () => {
  const isHeader = (t: string) => /^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]\s/.test(t);

  it('removes only the indentation the header lines share, keeping the details indented below them', () => {
    const { lines: out, outside } = unwrapPastedText(
      '    00:01.0 A\n    \tdetail\n\n  less indented\n    00:02.0 B',
      isHeader,
    );
    expect(out).toEqual([
      { no: 1, text: '00:01.0 A' },
      { no: 2, text: '\tdetail' },
      { no: 3, text: '' },
      { no: 5, text: '00:02.0 B' },
    ]);
    expect(outside).toEqual([{ no: 4, text: '  less indented' }]);
  });

  it('keeps text as it is when nothing wraps it', () => {
    expect(unwrapPastedText('00:01.0 A\n\tdetail', isHeader)).toEqual({
      lines: [
        { no: 1, text: '00:01.0 A' },
        { no: 2, text: '\tdetail' },
      ],
      outside: [],
    });
  });
});
