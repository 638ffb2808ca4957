// Summarises the V8 CPU profiles the services write with `--profile` (NODE_OPTIONS=--cpu-prof):
// per service, the share of sampled time by area (a package under node_modules, a dist/ lib or
// app, node internals, GC, idle) and the top functions by self time.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function summarizeProfiles(dir, pidNames) {
  if (!existsSync(dir)) return { byArea: [], top: [] };
  const byArea = [];
  const top = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const pid = file.split('.')[2];
    const service = pidNames[pid] ?? `pid ${pid}`;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const self = new Map();
    for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const total = profile.samples.length || 1;
    const areas = {};
    const fns = {};
    for (const [id, hits] of self) {
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      const area = areaOf(functionName, url);
      areas[area] = (areas[area] ?? 0) + hits / total;
      if (area === 'idle') continue;
      const short = url ? url.replace(/^.*\/(node_modules|dist)\//, '').replace(/^file:\/\//, '') : '';
      const key = `${functionName || '(anon)'} ${short}:${lineNumber + 1}`;
      fns[key] = (fns[key] ?? 0) + hits / total;
    }
    const sorted = Object.fromEntries(
      Object.entries(areas)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 8),
    );
    byArea.push({ service, areas: sorted });
    top.push({
      service,
      functions: Object.entries(fns)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 8)
        .map(([name, share]) => ({ name, share })),
    });
  }
  return { byArea, top };
}

function areaOf(fn, url) {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'program';
  if (!url) return 'native';
  const nm = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const d = /dist\/(libs|apps)\/([^/]+)/.exec(url);
  if (d) return `${d[1]}/${d[2]}`;
  if (url.startsWith('node:')) return 'node';
  return 'other';
}

/** Prints what summarizeProfiles found: per service, areas by share, then the top functions. */
export function printProfiles(profile) {
  console.log('\ncpu profile (self time share of sampled time, per service):');
  for (const p of profile.byArea)
    console.log(
      `${p.service.padEnd(14)} ${Object.entries(p.areas)
        .map(([k, x]) => `${k} ${pct(x)}`)
        .join('  ')}`,
    );
  for (const p of profile.top)
    console.log(`${p.service.padEnd(14)} top: ${p.functions.map((f) => `${f.name} ${pct(f.share)}`).join(', ')}`);
}

const pct = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
