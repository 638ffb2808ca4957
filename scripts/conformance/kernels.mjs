// The kernel builds the lab boots: Debian's own packages, resolved through their meta-packages
// on the day of the run (the exact version goes into docs/conformance.md), and the vfio modules
// each needs, with their dependencies read from the modules themselves.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLists, fetchAndUnpack, showPackage } from './debian-archive.mjs';
import { LAB_CACHE } from './paths.mjs';

/** Kernel builds by name: Debian architecture, suite and meta-package, and the guest page size. */
export const KERNELS = {
  'ppc64el-6.1': { arch: 'ppc64el', suite: 'bookworm', meta: 'linux-image-powerpc64le', pageSize: 0x10000 },
  'ppc64el-6.12-64k': {
    arch: 'ppc64el',
    suite: 'bookworm-backports',
    meta: 'linux-image-powerpc64le-64k',
    pageSize: 0x10000,
  },
  'ppc64el-6.12-4k': {
    arch: 'ppc64el',
    suite: 'bookworm-backports',
    meta: 'linux-image-powerpc64le',
    pageSize: 0x1000,
  },
  'amd64-6.1': { arch: 'amd64', suite: 'bookworm', meta: 'linux-image-amd64', pageSize: 0x1000 },
  'amd64-6.12': { arch: 'amd64', suite: 'bookworm-backports', meta: 'linux-image-amd64', pageSize: 0x1000 },
  'arm64-6.1': { arch: 'arm64', suite: 'bookworm', meta: 'linux-image-arm64', pageSize: 0x1000 },
  'arm64-6.12': { arch: 'arm64', suite: 'bookworm-backports', meta: 'linux-image-arm64', pageSize: 0x1000 },
  'arm64-6.12-16k': { arch: 'arm64', suite: 'bookworm-backports', meta: 'linux-image-arm64-16k', pageSize: 0x4000 },
};

/** The modules vfio-pci needs on each architecture, before their own dependencies. */
const VFIO_MODULES = {
  ppc64el: ['vfio_iommu_spapr_tce', 'vfio-pci'],
  amd64: ['vfio_iommu_type1', 'vfio-pci'],
  arm64: ['arm_smmu_v3', 'vfio_iommu_type1', 'vfio-pci'],
};

/**
 * Downloads and unpacks a kernel build (once). Returns its package, version, release (`uname -r`),
 * image path, and the module files in load order, decompressed into the cache.
 */
export function ensureKernel(name, log = console.log) {
  const k = KERNELS[name];
  if (!k) throw new Error(`unknown kernel build "${name}" (known: ${Object.keys(KERNELS).join(', ')})`);
  ensureLists(k.arch, log);
  const meta = showPackage(k.arch, k.meta, k.suite);
  if (!meta.depends) throw new Error(`${k.meta}/${k.suite} (${k.arch}) names no kernel package`);
  const image = showPackage(k.arch, meta.depends, k.suite);
  const dir = fetchAndUnpack(k.arch, image.package, image.version, log);
  const release = readdirSync(join(dir, 'lib', 'modules'))[0];
  const boot = join(dir, 'boot');
  const kernelFile = readdirSync(boot).find((f) => /^vmlinu[xz]-/.test(f));
  if (!kernelFile) throw new Error(`${image.package}: no vmlinux or vmlinuz in ${boot}`);
  const modules = moduleClosure(
    join(dir, 'lib', 'modules', release),
    VFIO_MODULES[k.arch],
    join(LAB_CACHE, 'modules', release),
  );
  return {
    name,
    ...k,
    package: image.package,
    version: image.version,
    release,
    image: join(boot, kernelFile),
    modules,
  };
}

const canonical = (module) => module.replace(/-/g, '_');

/** Every .ko(.xz|.zst) under `dir`, by canonical module name. */
function moduleIndex(dir) {
  const index = new Map();
  const walk = (d) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const m = /^(.*)\.ko(\.xz|\.zst)?$/.exec(entry);
        if (m) index.set(canonical(m[1]), path);
      }
    }
  };
  walk(join(dir, 'kernel'));
  return index;
}

/** The plain .ko of a module, decompressed once into `outDir`. */
function plainModule(path, outDir, name) {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}.ko`);
  if (existsSync(out)) return out;
  if (path.endsWith('.xz')) writeFileSync(out, execFileSync('xz', ['-dc', path], { maxBuffer: 1 << 28 }));
  else if (path.endsWith('.zst')) writeFileSync(out, execFileSync('zstd', ['-dc', path], { maxBuffer: 1 << 28 }));
  else writeFileSync(out, readFileSync(path));
  return out;
}

/** The `depends=` list a module carries in its .modinfo section. */
function dependsOf(koFile) {
  const text = readFileSync(koFile).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text) ?? /^depends=([^\0]*)\0/.exec(text);
  return m && m[1] ? m[1].split(',').filter(Boolean).map(canonical) : [];
}

/**
 * The wanted modules and everything they depend on, dependencies first. A wanted module the
 * kernel has built in (not in the package as a file) is skipped.
 */
function moduleClosure(modulesDir, wanted, outDir) {
  const index = moduleIndex(modulesDir);
  const ordered = [];
  const seen = new Set();
  const visit = (name) => {
    const key = canonical(name);
    if (seen.has(key)) return;
    seen.add(key);
    const path = index.get(key);
    if (!path) return;
    const plain = plainModule(path, outDir, key);
    for (const dep of dependsOf(plain)) visit(dep);
    ordered.push({ name: key, file: plain });
  };
  for (const w of wanted) visit(w);
  return ordered;
}
