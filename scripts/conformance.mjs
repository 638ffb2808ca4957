// `npm run conformance`: boots real Debian kernels under QEMU (PowerNV POWER9 64K and 4K, x86
// q35, arm64 virt 4K and 16K), asks each what VFIO says about every BAR of real (emulated)
// devices, and compares with what barplane derives from the same host's sysfs. Writes
// docs/conformance.md (the whole matrix) and exits 1 on any disagreement that is not a known
// difference. `--subset ci` runs the cases `npm test` runs; `--case NAME` picks cases.
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { boot } from './conformance/boot.mjs';
import { CASES } from './conformance/cases.mjs';
import { ensureBusybox, ensureProbe } from './conformance/guest-tools.mjs';
import { ensureHostTools } from './conformance/host-tools.mjs';
import { buildInitramfs } from './conformance/initramfs.mjs';
import { ensureKernel, KERNELS } from './conformance/kernels.mjs';
import { MACHINES, qemuCommand } from './conformance/machines.mjs';
import { qemuBuild } from './conformance/qemu-builds.mjs';
import { qemuScript } from './conformance/qemu-side.mjs';
import { LAB_RUN, ROOT } from './conformance/paths.mjs';
import { ensureBuilt } from './ensure-built.mjs';
import { ensureInstalled } from './ensure-installed.mjs';

const { values: opts } = parseArgs({
  options: {
    subset: { type: 'string', default: 'full' },
    case: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '2' },
    out: { type: 'string' },
    'no-advice': { type: 'boolean', default: false },
  },
});
if (!['full', 'ci'].includes(opts.subset)) usage(`--subset must be full or ci, not "${opts.subset}"`);
const jobs = Number(opts.jobs);
if (!Number.isInteger(jobs) || jobs < 1) usage(`--jobs must be a positive integer, not "${opts.jobs}"`);
const unknown = (opts.case ?? []).filter((n) => !CASES.some((c) => c.name === n));
if (unknown.length > 0) usage(`unknown case ${unknown.join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
const selected = CASES.filter((c) => (opts.case ? opts.case.includes(c.name) : opts.subset === 'full' || c.ci));
const whole = !opts.case && opts.subset === 'full';
const outFile = opts.out ?? (whole ? join(ROOT, 'docs', 'conformance.md') : join(LAB_RUN, 'conformance.md'));

function usage(message) {
  console.error(`conformance: ${message}`);
  process.exit(2);
}

const started = Date.now();
const log = (m) => console.log(m);
ensureInstalled();
ensureHostTools([...new Set(selected.map((c) => KERNELS[c.kernel].arch))], log);
ensureBuilt('conformance');
const require = createRequire(import.meta.url);
const lab = require(join(ROOT, 'dist/libs/conformance/src/index.js'));
const { importSysfs } = require(join(ROOT, 'dist/libs/importers/src/index.js'));

/** Boot timeout: TCG on 2 cores with two guests at once; PowerNV's firmware alone takes 10 s. */
const TIMEOUT_MS = { powernv9: 420_000, q35: 240_000, virt: 300_000 };

rmSync(LAB_RUN, { recursive: true, force: true });
mkdirSync(LAB_RUN, { recursive: true });
const kernels = new Map();
for (const c of selected) {
  if (!kernels.has(c.kernel)) kernels.set(c.kernel, ensureKernel(c.kernel, log));
}
const guestParts = new Map();
for (const k of kernels.values()) {
  if (!guestParts.has(k.arch))
    guestParts.set(k.arch, { busybox: ensureBusybox(k.arch, log).path, probe: ensureProbe(k.arch, log) });
}

const bootSeconds = new Map();
/** Boots one case (possibly with extra command-line words) and judges it. */
async function runCase(c, { name = c.name, cmdline = c.cmdline ?? [] } = {}) {
  const k = kernels.get(c.kernel);
  const dir = join(LAB_RUN, name);
  const extra = c.qemu ? qemuSide(dir, k.arch, c.qemu) : [];
  const initrd = buildInitramfs(dir, { ...guestParts.get(k.arch), modules: k.modules, files: extra });
  const t0 = Date.now();
  log(`conformance: booting ${name} (${c.machine}, ${k.release}${cmdline.length ? `, ${cmdline.join(' ')}` : ''})`);
  const command = qemuCommand(c.machine, { kernel: k.image, initrd, slots: c.slots, cmdline, memory: c.memory });
  const booted = await boot(dir, command, TIMEOUT_MS[c.machine] * (c.qemu ? 3 : 1), lab.parseConsole);
  bootSeconds.set(name, (Date.now() - t0) / 1000);
  const report = lab.readGuestReport(booted.events);
  let imported = { scenario: {}, warnings: [] };
  try {
    const pageSize = report.pageSize ?? BigInt(k.pageSize);
    imported = importSysfs({
      root: booted.capture,
      host: { id: name, platform: MACHINES[c.machine].platform, pageSize },
    });
  } catch (error) {
    booted.problem ??= `the capture does not import: ${error.message}`;
  }
  const result = lab.judgeCase({
    name,
    machine: c.machine,
    kernelBuild: c.kernel,
    kernelPackage: `${k.package}=${k.version}`,
    report,
    imported,
    cmdline: cmdline.join(' ') || undefined,
  });
  const disagreements = [
    ...(booted.problem ? [`boot: ${booted.problem} (console: ${relative(ROOT, booted.consoleFile)})`] : []),
    ...(booted.badLines.length > 0
      ? [`the console garbled ${booted.badLines.length} guest lines, first: ${booted.badLines[0]}`]
      : []),
    ...result.disagreements,
  ];
  const qemu = [];
  for (const run of c.qemu ?? []) {
    if (!result.scenario) break;
    const runReport = lab.qemuRunReport(booted.events, run.name);
    const compared = lab.compareQemuRun(result.scenario, run, runReport);
    qemu.push({ run: run.name, firmware: run.firmware, ...compared, log: runReport.log });
    for (const p of compared.problems) disagreements.push(`QEMU run ${run.name}: ${p}`);
    for (const r of compared.rows)
      if (!r.agree) disagreements.push(`QEMU run ${run.name}: ${r.bdf} BAR ${r.index}: ${r.difference}`);
  }
  log(
    `conformance: ${name}: ${result.bars.length} BARs, ${result.regions.length} regions, ${qemu.flatMap((q) => q.rows).length} QEMU BARs, ${disagreements.length} disagreements (${Math.round(bootSeconds.get(name))} s)`,
  );
  return { ...result, qemu, disagreements };
}

const qemuBuilds = new Map();
/** Files for a guest that runs a QEMU inside: the binary, its libraries and firmware, the runs' script. */
function qemuSide(dir, arch, runs) {
  if (!qemuBuilds.has(arch)) qemuBuilds.set(arch, qemuBuild(arch, log));
  const build = qemuBuilds.get(arch);
  const script = join(dir, 'lab-extra.sh');
  mkdirSync(dir, { recursive: true });
  writeFileSync(script, qemuScript(build.binaries, runs));
  return [...build.files, { from: script, to: '/etc/lab-extra.sh', mode: 0o755 }];
}

/** Runs `tasks` (functions returning promises) at most `limit` at a time, in order of results. */
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const results = await pool(
  selected.map((c) => () => runCase(c)),
  jobs,
);

// The advice, applied: a second boot of each case whose PEs barplane would resize, with the
// kernel parameter barplane recommends (one `pci=resource_alignment=` for all of them).
const advice = [];
if (!opts['no-advice']) {
  const followUps = [];
  selected.forEach((c, i) => {
    const r = results[i];
    const resized = r.pes.filter((p) => p.alignment.policy === 'PARAM_RESIZE' && p.alignment.kernelParameter);
    if (resized.length === 0) return;
    const entries = resized.map((p) => p.alignment.kernelParameter.replace(/^pci=resource_alignment=/, '')).join(';');
    followUps.push({ c, first: r, resized, cmdline: [...(c.cmdline ?? []), `pci=resource_alignment=${entries}`] });
  });
  const second = await pool(
    followUps.map((f) => () => runCase(f.c, { name: `${f.c.name}+advice`, cmdline: f.cmdline })),
    jobs,
  );
  followUps.forEach((f, i) => {
    const after = second[i];
    results.push(after);
    const P = f.first.scenario.host.pageSize;
    const rows = f.resized.map((p) => {
      const pe = f.first.scenario.pes.find((x) => x.id === p.pe);
      return lab.checkAdviceApplied(
        P,
        { pe, alignment: p.alignment, rows: f.first.regions },
        { pes: after.scenario?.pes ?? [], rows: after.regions },
      );
    });
    advice.push({ case: `${f.c.name}+advice`, rows });
    for (const row of rows)
      if (!row.agree) after.disagreements.push(`PE ${row.pe} after ${row.kernelParameter}: ${row.difference}`);
  });
}

const all = results.flatMap((r) => r.disagreements.map((d) => `${r.input.name}: ${d}`));
const { known, open } = lab.sortDisagreements(all);
const wallSeconds = (Date.now() - started) / 1000;
const markdown = lab.renderConformance(results, {
  date: new Date().toISOString().slice(0, 10),
  wallSeconds,
  subset: opts.case ? `cases ${opts.case.join(', ')}` : opts.subset === 'ci' ? 'the CI subset' : 'the whole matrix',
  kernels: [...kernels.values()].map((k) => ({
    build: k.name,
    package: `${k.package}=${k.version}`,
    release: k.release,
    arch: k.arch,
    pageSize: BigInt(k.pageSize),
  })),
  bootSeconds,
  advice,
  known,
  open,
  qemu: results.flatMap((r) => (r.qemu ?? []).map((q) => ({ case: r.input.name, ...q }))),
  qemuBuilds: [...qemuBuilds.entries()].map(([arch, b]) => ({ arch, version: b.version })),
});
mkdirSync(join(outFile, '..'), { recursive: true });
writeFileSync(outFile, markdown + '\n');
console.log(
  `\nconformance: ${results.length} boots in ${Math.round(wallSeconds)} s; ${open.length} open disagreements, ${known.length} known; report: ${relative(ROOT, outFile)}`,
);
for (const d of open) console.log(`  ✗ ${d}`);
process.exit(open.length > 0 ? 1 : 0);
