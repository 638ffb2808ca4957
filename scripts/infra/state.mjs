// Shared paths, the `.run/infra.json` record and small process helpers for scripts/infra/*.
// The record lets `down`/`status` (separate processes) know what `up` started.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUN_DIR = join(ROOT, '.run');
export const CACHE_DIR = join(ROOT, '.cache');
const RECORD = join(RUN_DIR, 'infra.json');

export function readRecord() {
  try {
    return JSON.parse(readFileSync(RECORD, 'utf8'));
  } catch {
    return {};
  }
}
export function writeRecord(rec) {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(RECORD, JSON.stringify(rec, null, 2) + '\n');
}
export function removeRecord() {
  rmSync(RECORD, { force: true });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function pidAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

// Guards against pid reuse: only signal a pid whose command line still looks like ours.
export function pidCmdlineIncludes(pid, needle) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return false;
  }
}

export async function waitUntil(fn, { timeoutMs, intervalMs = 500 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return true;
    await sleep(intervalMs);
  }
  return false;
}

export function tail(file, lines = 40) {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

// Rejects after `ms` so a hung probe can never block `up`/`status`.
export function withTimeout(promise, ms, what) {
  let t;
  const timer = new Promise((_, rej) => {
    t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timer]).finally(() => clearTimeout(t));
}
