import { fstatSync, writeSync } from 'node:fs';

/** What a command writes its answer to: a stream, or the descriptor itself. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Standard output for a large answer. Redirected to a file (or /dev/null), Node's stdout turns
 * every write into a fresh Buffer: 80 ms for a 21 MB plan on a host where each new page is a
 * fault, against 8 ms written straight to the descriptor. A terminal, a pipe (already fast),
 * or a stdout whose write a test has replaced keeps the stream.
 */
export function standardOutput(stdout: NodeJS.WriteStream = process.stdout): TextSink {
  const replaced = Object.prototype.hasOwnProperty.call(stdout, 'write');
  const fd = (stdout as { fd?: unknown }).fd;
  if (replaced || stdout.isTTY || typeof fd !== 'number' || !isFileOrDevice(fd)) return stdout;
  return { write: (text: string) => writeAll(fd, text) };
}

function isFileOrDevice(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  // A short write (a full disk, a signal): the rest as bytes, until all of it is out.
  if (written === Buffer.byteLength(text)) return;
  let rest = Buffer.from(text).subarray(written);
  while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
}
