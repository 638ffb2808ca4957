// Small statistics and text-table helpers for scripts/bench.mjs (no dependencies, so the
// benchmark does not time or depend on a table library).
import { performance } from 'node:perf_hooks';

/** min / median / max / mean of a list of samples. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { n: sorted.length, min: sorted[0], median, max: sorted[sorted.length - 1], mean };
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns the durations in ms. */
export function timeRuns(fn, { warmup = 0, runs }) {
  for (let i = 0; i < warmup; i++) fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** p50 / p90 / p99 / max / mean of latency samples (nearest rank). */
export function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((x, y) => x + y, 0) / (s.length || 1),
  };
}

export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n) => n.toFixed(n < 10 ? 2 : 1);

/** Left-aligned first column, right-aligned others; `rows` are arrays of strings. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const verdict = (ok) => (ok ? 'PASS' : 'MISS');

/** A row of a targets table: name, min / median / max of the runs, the target, PASS or MISS (on the median). */
export function figureRow(name, runs, target, ok, fmt = fmtMs) {
  return [
    name,
    fmt(runs.min),
    fmt(runs.median),
    fmt(runs.max),
    String(runs.n ?? ''),
    target,
    ok === undefined ? '' : verdict(ok),
  ];
}

export const FIGURE_HEADER = (title) => [title, 'min', 'median', 'max', 'runs', 'target', ''];
