// The QEMU that runs inside a guest. In an x86 guest: this machine's own qemu-system-x86_64
// (binary, the libraries ldd names, its TCG module, SeaBIOS). In a PowerNV or arm64 guest:
// Debian's qemu-system-ppc64 or qemu-system-aarch64 of that architecture, assembled from its
// packages (and theirs) through the private apt state, with the libraries its ELF headers need
// (readelf: the binary cannot run here).
// `binaries` maps a VM's machine to the binary that runs it. (Debian's ppc64el
// qemu-system-x86_64 runs there too, but dies with SIGSEGV as soon as it is given a vfio-pci
// device: a q35 VM on a POWER host cannot have one, so the PowerNV guests run pseries only.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptList, downloadAll, ensureLists, fetchAndUnpack } from './debian-archive.mjs';
import { LAB_CACHE } from './paths.mjs';

/** This machine's qemu-system-x86_64 and what it loads, at the same paths. */
function hostX86() {
  const qemu = '/usr/bin/qemu-system-x86_64';
  // Debian builds TCG as a loadable module, looked up at this path.
  const tcg = '/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so';
  const ldd = execFileSync('ldd', [qemu], { encoding: 'utf8' });
  const libs = [...ldd.matchAll(/(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]);
  return {
    binaries: { q35: qemu },
    version: execFileSync(qemu, ['--version'], { encoding: 'utf8' }).split('\n')[0],
    files: [
      { from: qemu, to: qemu, mode: 0o755 },
      { from: tcg, to: tcg, mode: 0o755 },
      ...libs.map((lib) => ({ from: lib, to: lib, mode: 0o755 })),
      { from: '/usr/share/seabios/bios-256k.bin', to: '/qemu/bios-256k.bin' },
      // q35 loads it as an option ROM even under TCG, and warns when it is missing.
      { from: '/usr/share/qemu/kvmvapic.bin', to: '/qemu/kvmvapic.bin' },
    ],
  };
}

const NEEDED = /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g;

/** The libraries `elf` needs, transitively, found under `root`'s library directories. */
function neededClosure(root, elf, libDirs) {
  const found = new Map();
  const todo = [elf];
  while (todo.length > 0) {
    const file = todo.pop();
    const dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
    for (const [, name] of dynamic.matchAll(NEEDED)) {
      if (found.has(name)) continue;
      const dir = libDirs.find((d) => existsSync(join(root, d, name)));
      if (!dir) throw new Error(`${elf}: needs ${name}, which none of the unpacked packages has`);
      found.set(name, join(dir, name));
      todo.push(realpathSync(join(root, dir, name)));
    }
  }
  return [...found.values()];
}

/**
 * Debian's QEMU for the VMs of a non-x86 guest, by guest architecture: the package, the binary,
 * the machine it runs, where its libraries live, its loader, and the firmware it insists on.
 */
const DEBIAN_QEMU = {
  ppc64el: {
    package: 'qemu-system-ppc',
    binary: '/usr/bin/qemu-system-ppc64',
    machine: 'pseries',
    triplet: 'powerpc64le-linux-gnu',
    loader: { from: 'lib/powerpc64le-linux-gnu/ld64.so.2', to: '/lib64/ld64.so.2' },
    firmware: [{ from: 'usr/share/qemu/slof.bin', to: '/qemu/slof.bin' }],
  },
  arm64: {
    package: 'qemu-system-arm',
    binary: '/usr/bin/qemu-system-aarch64',
    machine: 'virt',
    triplet: 'aarch64-linux-gnu',
    loader: { from: 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', to: '/lib/ld-linux-aarch64.so.1' },
    firmware: [],
  },
};

/** Debian's QEMU of `arch` with every library it needs, assembled from its packages and theirs. */
function debianQemu(arch, log) {
  const spec = DEBIAN_QEMU[arch];
  ensureLists(arch, log);
  const packages = aptList(arch, [
    'depends',
    '--recurse',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    `${spec.package}/bookworm`,
  ])
    .split('\n')
    .filter((l) => /^[a-z0-9]/.test(l) && !l.includes('<'));
  const names = [...new Set(packages)].sort();
  const shown = aptList(arch, ['show', ...names.map((n) => `${n}/bookworm`)]);
  const version = new Map();
  for (const paragraph of shown.split('\n\n')) {
    const name = /^Package: (.*)$/m.exec(paragraph)?.[1];
    const v = /^Version: (.*)$/m.exec(paragraph)?.[1];
    if (name && v && !version.has(name)) version.set(name, v);
  }
  const versions = names.filter((n) => version.has(n)).map((n) => `${n}=${version.get(n)}`);
  // One tree holding every package, for the library look-ups; made again when a version moves.
  const root = join(LAB_CACHE, 'qemu', arch);
  const stamp = join(root, '.packages');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== versions.join('\n') + '\n') {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    downloadAll(
      arch,
      names.filter((x) => version.has(x)).map((name) => ({ name, version: version.get(name) })),
      log,
    );
    for (const n of names.filter((x) => version.has(x))) {
      execFileSync('cp', ['-a', '--no-preserve=ownership', '-T', fetchAndUnpack(arch, n, version.get(n), log), root]);
    }
    writeFileSync(stamp, versions.join('\n') + '\n');
  }
  const libs = neededClosure(root, join(root, spec.binary), [`/lib/${spec.triplet}`, `/usr/lib/${spec.triplet}`]);
  return {
    binaries: { [spec.machine]: spec.binary },
    version: `Debian ${arch} ${versions.find((v) => v.startsWith(`${spec.package}=`))}`,
    files: [
      { from: join(root, spec.binary), to: spec.binary, mode: 0o755 },
      { from: realpathSync(join(root, spec.loader.from)), to: spec.loader.to, mode: 0o755 },
      ...libs.map((lib) => ({ from: realpathSync(join(root, lib)), to: lib, mode: 0o755 })),
      ...spec.firmware.map((f) => ({ from: join(root, f.from), to: f.to })),
    ],
  };
}

/** The QEMU for guests of `arch`: binary per machine inside the guest, version, files for the initramfs. */
export function qemuBuild(arch, log = console.log) {
  if (arch === 'amd64') return hostX86();
  if (DEBIAN_QEMU[arch]) return debianQemu(arch, log);
  throw new Error(`no QEMU for ${arch} guests in the lab`);
}
