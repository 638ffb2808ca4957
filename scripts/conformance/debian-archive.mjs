// Debian packages of other architectures (kernels, busybox-static) through a private apt state:
// its own sources list, lists and cache under .cache/conformance/apt/<arch>, so the machine's
// apt configuration is never read for sources nor changed. Only Debian's own archive is used.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CACHE } from './paths.mjs';

const MIRROR = process.env.BARPLANE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const SUITES = ['bookworm', 'bookworm-backports'];
/** Package lists older than this are fetched again. */
const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;

function aptDir(arch) {
  return join(LAB_CACHE, 'apt', arch);
}

function aptOptions(arch) {
  const dir = aptDir(arch);
  return [
    '-o',
    `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${join(dir, 'lists')}`,
    '-o',
    `Dir::Cache=${join(dir, 'cache')}`,
    '-o',
    `APT::Architecture=${arch}`,
    '-o',
    `APT::Architectures=${arch}`,
    // The lists and downloads are ours; apt's sandbox user could not write into .cache.
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Debug::NoLocking=1',
  ];
}

const apt = (tool, arch, args, options = {}) =>
  execFileSync(tool, [...aptOptions(arch), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });

/** Writes the private sources list and fetches the package lists when they are missing or a day old. */
export function ensureLists(arch, log = console.log) {
  const dir = aptDir(arch);
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  const sources =
    SUITES.map((suite) => `deb [arch=${arch} signed-by=${KEYRING}] ${MIRROR} ${suite} main`).join('\n') + '\n';
  writeFileSync(join(dir, 'sources.list'), sources);
  const stamp = join(dir, 'lists', '.updated');
  if (existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < LISTS_MAX_AGE_MS) return;
  log(`conformance: apt-get update (${arch}, ${SUITES.join(' + ')}, private state in ${dir})`);
  apt('apt-get', arch, ['update', '-q']);
  writeFileSync(stamp, new Date().toISOString() + '\n');
}

/** What `apt-cache ARGS` prints with the private state of `arch`. */
export function aptList(arch, args) {
  return apt('apt-cache', arch, args, { maxBuffer: 1 << 26 });
}

/** `Package`, `Version` and the first `Depends` name of a package as `suite` has it. */
export function showPackage(arch, name, suite) {
  const text = apt('apt-cache', arch, ['show', `${name}/${suite}`]);
  const first = text.split('\n\n')[0];
  const field = (key) => new RegExp(`^${key}: (.*)$`, 'm').exec(first)?.[1];
  const depends = field('Depends')?.split(',')[0].trim().split(' ')[0];
  return { package: field('Package'), version: field('Version'), depends };
}

/** Downloads every `{ name, version }` not in the cache yet, in one apt-get call. */
export function downloadAll(arch, wanted, log = console.log) {
  const debs = join(LAB_CACHE, 'debs', arch);
  mkdirSync(debs, { recursive: true });
  const have = readdirSync(debs).map((f) => decodeURIComponent(f));
  const missing = wanted.filter(
    ({ name, version }) => !have.some((f) => f.startsWith(`${name}_`) && f.includes(`_${version}_`)),
  );
  if (missing.length === 0) return;
  log(`conformance: apt-get download ${missing.length} packages (${arch})`);
  apt('apt-get', arch, ['download', '-q', ...missing.map(({ name, version }) => `${name}=${version}`)], { cwd: debs });
}

/**
 * Downloads `name=version` (once) and unpacks it (once) into .cache/conformance/pkg/<arch>/<name>_<version>.
 * Returns the unpacked directory.
 */
export function fetchAndUnpack(arch, name, version, log = console.log) {
  const target = join(LAB_CACHE, 'pkg', arch, `${name}_${version}`.replace(/[^A-Za-z0-9._+~-]/g, '_'));
  const done = join(target, '.unpacked');
  if (existsSync(done)) return target;
  const debs = join(LAB_CACHE, 'debs', arch);
  mkdirSync(debs, { recursive: true });
  const existing = () =>
    readdirSync(debs).find(
      (f) =>
        f.startsWith(`${name}_`) &&
        (f.endsWith(`_${arch}.deb`) || f.endsWith('_all.deb')) &&
        decodeURIComponent(f).includes(`_${version}_`),
    );
  if (!existing()) {
    log(`conformance: apt-get download ${name}=${version} (${arch})`);
    apt('apt-get', arch, ['download', '-q', `${name}=${version}`], { cwd: debs });
  }
  const deb = existing();
  if (!deb) throw new Error(`apt-get download ${name}=${version} left no .deb in ${debs}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('dpkg-deb', ['-x', join(debs, deb), target]);
  writeFileSync(done, `${name} ${version}\n`);
  return target;
}
