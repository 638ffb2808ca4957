import { MSIX_RELOCATIONS, MsixRelocation, Problem } from '@barplane/domain';
import { LibvirtHostdev, OverrideSource } from './libvirt-domain';
import { XmlNode, attr, elements } from './xml-node';

type Settings = Pick<LibvirtHostdev, 'msixRelocation' | 'noMmap'>;

/** The vfio-pci properties barplane reads, per QEMU device id, and those `-global` gives every vfio-pci device. */
export interface QemuOverrides {
  readonly byAlias: ReadonlyMap<string, Settings>;
  readonly global: Settings;
}

const RELOCATION = 'x-msix-relocation';
const NO_MMAP = 'x-no-mmap';

/**
 * Reads `<qemu:override>` (libvirt >= 8.2: `<qemu:device alias><qemu:frontend><qemu:property
 * name type value/>`) and the older `<qemu:commandline>` pairs `-set device.<alias>.<prop>=<v>`
 * and `-global vfio-pci.<prop>=<v>`, for `x-msix-relocation` and `x-no-mmap`. `prefixes` are
 * the prefixes the root binds to libvirt's qemu namespace.
 */
export function qemuOverrides(
  domain: XmlNode,
  prefixes: readonly string[],
  problems: Problem[],
  warnings: string[],
): QemuOverrides {
  const byAlias = new Map<string, Settings>();
  let global: Settings = {};
  const put = (alias: string, prop: string, value: string, source: OverrideSource, path: string) => {
    const setting = settingOf(prop, value, source, path, problems);
    if (!setting) return;
    if (alias === '') global = { ...global, ...setting };
    else byAlias.set(alias, { ...byAlias.get(alias), ...setting });
  };
  for (const q of prefixes) {
    // Lower precedence first: -global, then -set, then <qemu:override> (what libvirt writes into -device itself).
    const args = elements(domain, `${q}:commandline`).flatMap((c) =>
      elements(c, `${q}:arg`).map((a) => attr(a, 'value') ?? ''),
    );
    const pairs: { flag: string; value: string; path: string }[] = [];
    for (let i = 0; i + 1 < args.length; i++) {
      if (args[i] === '-set' || args[i] === '-global')
        pairs.push({ flag: args[i], value: args[i + 1], path: `/domain/${q}:commandline/${q}:arg[${i + 2}]` });
    }
    for (const p of pairs.filter((x) => x.flag === '-global')) {
      const [target, value] = splitOnce(p.value, '=');
      const [driver, prop] = splitOnce(target, '.');
      if (driver === 'vfio-pci' && isWatched(prop)) put('', prop, value, 'global', p.path);
    }
    for (const p of pairs.filter((x) => x.flag === '-set')) {
      const [target, value] = splitOnce(p.value, '=');
      const parts = target.split('.');
      if (parts.length !== 3 || parts[0] !== 'device' || !isWatched(parts[2])) continue;
      put(parts[1], parts[2], value, 'set', p.path);
      warnings.push(
        `${p.path}: -set ${p.value}: QEMU applies -set only to a -device given as key=value options, and recent libvirt passes -device as JSON; <qemu:override> is the way libvirt documents`,
      );
    }
    for (const device of elements(domain, `${q}:override`).flatMap((o) => elements(o, `${q}:device`))) {
      const alias = attr(device, 'alias') ?? '';
      for (const property of elements(device, `${q}:frontend`).flatMap((f) => elements(f, `${q}:property`))) {
        const name = attr(property, 'name') ?? '';
        if (!isWatched(name)) continue;
        const path = `/domain/${q}:override/${q}:device[@alias='${alias}']/${q}:frontend/${q}:property[@name='${name}']`;
        if (alias === '') {
          problems.push({ path, message: 'the qemu:device has no alias: libvirt needs it to find the device' });
          continue;
        }
        const type = attr(property, 'type');
        // type='remove' drops the property: QEMU's default (off) applies.
        const value = type === 'remove' ? 'off' : (attr(property, 'value') ?? '');
        put(alias, name, value, 'override', path);
      }
    }
  }
  return { byAlias, global };
}

function isWatched(prop: string): boolean {
  return prop === RELOCATION || prop === NO_MMAP;
}

function settingOf(
  prop: string,
  raw: string,
  source: OverrideSource,
  path: string,
  problems: Problem[],
): Settings | undefined {
  const value = raw.trim().toLowerCase();
  if (prop === RELOCATION) {
    if ((MSIX_RELOCATIONS as readonly string[]).includes(value))
      return { msixRelocation: { value: value as MsixRelocation, source } };
    const why =
      value === 'auto'
        ? 'QEMU picks the BAR itself, which barplane cannot know before the VM runs: name it (bar0..bar5) or off'
        : `not one of ${MSIX_RELOCATIONS.join(', ')}`;
    problems.push({ path, message: `${RELOCATION}="${raw}": ${why}` });
    return undefined;
  }
  // QEMU's bool properties take on/off, yes/no and true/false.
  if (['on', 'yes', 'true'].includes(value)) return { noMmap: { value: true, source } };
  if (['off', 'no', 'false'].includes(value)) return { noMmap: { value: false, source } };
  problems.push({ path, message: `${NO_MMAP}="${raw}" is not a boolean (true/false, on/off)` });
  return undefined;
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
