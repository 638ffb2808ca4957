import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standardOutput } from './standard-output';

/** A stdout as Node makes one: write on its prototype, the descriptor on the object. */
function stdoutOn(fd: number, isTTY = false): NodeJS.WriteStream {
  const proto = { write: jest.fn() };
  return Object.assign(Object.create(proto) as NodeJS.WriteStream, { fd, isTTY });
}

describe('standardOutput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barplane-stdout-'));

  it('writes straight to the descriptor when stdout is a file', () => {
    const file = join(dir, 'plan.json');
    const fd = openSync(file, 'w');
    const stdout = stdoutOn(fd);
    const sink = standardOutput(stdout);
    sink.write('{"a": 1}');
    sink.write('\n');
    closeSync(fd);
    expect(sink).not.toBe(stdout);
    expect(readFileSync(file, 'utf8')).toBe('{"a": 1}\n');
    expect(Object.getPrototypeOf(stdout).write).not.toHaveBeenCalled();
  });

  it('keeps the stream for a terminal, a stdout without a descriptor, and a write a test replaced', () => {
    const fd = openSync(join(dir, 'other.json'), 'w');
    const tty = stdoutOn(fd, true);
    const noFd = Object.create({ write: jest.fn() }) as NodeJS.WriteStream;
    const replaced = Object.assign(stdoutOn(fd), { write: jest.fn() });
    expect(standardOutput(tty)).toBe(tty);
    expect(standardOutput(noFd)).toBe(noFd);
    expect(standardOutput(replaced)).toBe(replaced);
    closeSync(fd);
  });
});
