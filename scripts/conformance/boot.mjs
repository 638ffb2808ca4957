// Boots one guest, keeps its console, and picks out what the guest said: "@@bp " JSON lines
// and the "@@tar " base64 lines of its sysfs capture, unpacked into <dir>/capture.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `command` until QEMU exits (the guest powers off) or `timeoutMs` passes, then reads the
 * console with `parseConsole` (libs/conformance). Resolves with
 * the guest's messages, the capture directory and the wall time; never rejects for a guest
 * that misbehaves (that is a finding): `problem` says what went wrong.
 */
export function boot(dir, { command, args }, timeoutMs, parseConsole) {
  mkdirSync(dir, { recursive: true });
  const consoleFile = join(dir, 'console.log');
  const out = createWriteStream(consoleFile);
  out.write(`$ ${command} ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b) => {
      chunks.push(b);
      out.write(b);
    });
    child.stderr.on('data', (b) => out.write(b));
    child.on('error', (error) => chunks.push(Buffer.from(`\n@@lab spawn failed: ${error.message}\n`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      out.end();
      const text = Buffer.concat(chunks).toString('latin1');
      const result = parseConsole(text);
      const wallMs = Date.now() - started;
      let problem;
      if (timedOut) problem = `no power-off within ${timeoutMs / 1000} s`;
      else if (!result.events.some((e) => e.type === 'done'))
        problem = `QEMU exited (status ${code}) before the guest said it was done`;
      const capture = join(dir, 'capture');
      rmSync(capture, { recursive: true, force: true });
      if (result.tar.length > 0) {
        mkdirSync(capture, { recursive: true });
        try {
          execFileSync('tar', ['-xz', '-C', capture], { input: result.tar });
        } catch (error) {
          problem ??= `the sysfs capture does not unpack: ${error.message.split('\n')[0]}`;
        }
      } else {
        problem ??= 'the guest sent no sysfs capture';
      }
      resolve({ events: result.events, badLines: result.badLines, capture, consoleFile, wallMs, problem });
    });
  });
}
