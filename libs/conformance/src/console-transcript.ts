/** What a guest said on its console: its JSON events, lines that failed to parse, and the capture. */
export interface ConsoleTranscript {
  readonly events: unknown[];
  readonly badLines: string[];
  /** The gzipped tar of the sysfs capture, decoded from the "@@tar " lines. */
  readonly tar: Buffer;
}

/**
 * Picks the guest's lines out of a console transcript: "@@bp " JSON events and "@@tar " base64
 * lines, wherever they start in the line (the kernel and firmware write to the same console,
 * and the serial line adds \r). Everything else is ignored.
 */
export function parseConsole(text: string): ConsoleTranscript {
  const events: unknown[] = [];
  const badLines: string[] = [];
  const base64: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const bp = line.indexOf('@@bp ');
    const tar = line.indexOf('@@tar ');
    if (bp >= 0) {
      const body = line.slice(bp + 5);
      try {
        events.push(JSON.parse(body));
      } catch {
        badLines.push(body.slice(0, 200));
      }
    } else if (tar >= 0) {
      base64.push(line.slice(tar + 6).trim());
    }
  }
  return { events, badLines, tar: Buffer.from(base64.join(''), 'base64') };
}
