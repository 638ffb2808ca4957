import { XMLParser } from 'fast-xml-parser';
import { Problem, formatBdf, idProblem } from '@barplane/domain';
import { LIBVIRT_QEMU_NAMESPACE, LibvirtDomainRead, LibvirtHostdev, MAX_LIBVIRT_XML_CHARS } from './libvirt-domain';
import { machineOfLibvirtType } from './libvirt-machine';
import { qemuOverrides } from './qemu-overrides';
import { XmlNode, attr, elements, first, text } from './xml-node';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Names, uuids and attribute values stay strings: `<name>0123</name>` is not a number.
  parseTagValue: false,
  parseAttributeValue: false,
  // Only XML's own five entities and character references: a DOCTYPE is refused before parsing.
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: 64,
});

/** `0x1f`, `31` (libvirt reads these attributes with base 0, so hex or decimal). */
function addressPart(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  const digits = v.startsWith('0x') ? v.slice(2) : v;
  const radix = v.startsWith('0x') ? 16 : 10;
  if (digits === '' || digits.length > 8 || [...digits].some((c) => Number.isNaN(parseInt(c, radix)))) return undefined;
  return parseInt(digits, radix);
}

/**
 * Reads a libvirt domain XML (what `virsh dumpxml` prints, or a definition not yet defined):
 * the VM's name and uuid, its machine, every PCI function given to it through VFIO
 * (`<hostdev mode='subsystem' type='pci'>` and `<interface type='hostdev'>`) with its QEMU
 * device id, and the vfio-pci properties `x-msix-relocation` and `x-no-mmap` given through
 * libvirt's qemu namespace. Hostile input (a DOCTYPE, entities, very large or deep documents)
 * is refused, never expanded.
 */
export function parseLibvirtDomain(xml: string): LibvirtDomainRead {
  const refuse = (path: string, message: string): LibvirtDomainRead => ({ ok: false, problems: [{ path, message }] });
  if (xml.length > MAX_LIBVIRT_XML_CHARS)
    return refuse('/', `${xml.length} characters: a domain XML is at most ${MAX_LIBVIRT_XML_CHARS}`);
  const upper = xml.toUpperCase();
  // libvirt never writes a DOCTYPE; refusing it keeps entity expansion (billion laughs, external entities) out
  // entirely.
  if (upper.includes('<!DOCTYPE') || upper.includes('<!ENTITY'))
    return refuse('/', 'a DOCTYPE or entity declaration: libvirt domain XML has none, and it is not read');
  let doc: XmlNode;
  try {
    doc = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    return refuse('/', `not well-formed XML: ${(error as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (roots.length !== 1 || roots[0] !== 'domain' || Array.isArray(doc.domain)) {
    return refuse(
      '/',
      `not a libvirt domain XML: the root element is ${roots.map((r) => `<${r}>`).join(', ') || 'missing'}, not <domain>`,
    );
  }
  const domain = first(doc, 'domain')!;
  const problems: Problem[] = [];
  const warnings: string[] = [];

  const name = (text(first(domain, 'name')) ?? '').trim();
  const nameProblem = name === '' ? 'is missing or empty: it is the VM id' : idProblem(name);
  if (nameProblem) problems.push({ path: '/domain/name', message: nameProblem });
  const uuid = text(first(domain, 'uuid'))?.trim() || undefined;

  const machineType = attr(first(first(domain, 'os'), 'type'), 'machine')?.trim() || undefined;
  const machine = machineType === undefined ? undefined : machineOfLibvirtType(machineType);
  if (machineType !== undefined && machine === undefined) {
    problems.push({
      path: '/domain/os/type/@machine',
      message: `machine "${machineType}" is not one barplane models: pseries (pseries-*), q35 (pc-q35-*) or virt (virt-*)`,
    });
  }

  const prefixes = Object.keys(domain)
    .filter((k) => k.startsWith('@_xmlns:') && domain[k] === LIBVIRT_QEMU_NAMESPACE)
    .map((k) => k.slice('@_xmlns:'.length));
  const overrides = qemuOverrides(domain, prefixes, problems, warnings);

  type Found = Omit<LibvirtHostdev, 'alias' | 'aliasPredicted' | 'msixRelocation' | 'noMmap'> & { alias?: string };
  const found: Found[] = [];
  const devices = elements(domain, 'devices');
  const read = (el: XmlNode, element: LibvirtHostdev['element'], at: string) => {
    const source = first(el, 'source');
    const address = first(source, 'address');
    if (!address) {
      problems.push({ path: `${at}/source`, message: 'no <address domain bus slot function> of the host function' });
      return;
    }
    const [d, b, s, f] = ['domain', 'bus', 'slot', 'function'].map((k) => addressPart(attr(address, k)));
    const out = [
      d === undefined || d > 0xffff ? 'domain' : '',
      b === undefined || b > 0xff ? 'bus' : '',
      s === undefined || s > 0x1f ? 'slot' : '',
      f === undefined || f > 7 ? 'function' : '',
    ].filter(Boolean);
    if (out.length > 0) {
      problems.push({
        path: `${at}/source/address`,
        message: `${out.join(', ')} missing or out of range (domain <= 0xffff, bus <= 0xff, slot <= 0x1f, function <= 7)`,
      });
      return;
    }
    const bdf = formatBdf({ domain: d!, bus: b!, device: s!, fn: f! });
    const alias = attr(first(el, 'alias'), 'name')?.trim() || undefined;
    found.push({ bdf, element, at, alias, managed: attr(el, 'managed') === 'yes' });
  };
  let hostdevIndex = 0;
  let interfaceIndex = 0;
  for (const dev of devices) {
    for (const el of elements(dev, 'hostdev')) {
      const at = `/domain/devices/hostdev[${++hostdevIndex}]`;
      if (attr(el, 'mode') === 'subsystem' && attr(el, 'type') === 'pci') read(el, 'hostdev', at);
      else
        warnings.push(
          `${at}: a ${attr(el, 'mode') ?? '?'} ${attr(el, 'type') ?? '?'} hostdev is not a PCI function given through VFIO; left out`,
        );
    }
    for (const el of elements(dev, 'interface')) {
      const at = `/domain/devices/interface[${++interfaceIndex}]`;
      if (attr(el, 'type') === 'hostdev') read(el, 'interface', at);
    }
  }

  const seen = new Map<string, string>();
  for (const h of found) {
    const before = seen.get(h.bdf);
    if (before) problems.push({ path: `${h.at}/source/address`, message: `${h.bdf} is given twice (also ${before})` });
    else seen.set(h.bdf, h.at);
  }
  if (problems.length > 0) return { ok: false, problems };

  // An inactive definition has no aliases yet: libvirt names each hostdev `hostdevN` when the
  // domain starts, N one above the highest hostdevN taken (qemuAssignDeviceHostdevAlias).
  let next =
    1 +
    Math.max(
      -1,
      ...found.map((h) => (h.alias?.startsWith('hostdev') ? Number(h.alias.slice(7)) : NaN)).filter(Number.isInteger),
    );
  const hostdevs: LibvirtHostdev[] = found.map((h) => {
    const alias = h.alias ?? `hostdev${next++}`;
    const own = overrides.byAlias.get(alias) ?? {};
    const msixRelocation = own.msixRelocation ?? overrides.global.msixRelocation;
    const noMmap = own.noMmap ?? overrides.global.noMmap;
    return {
      ...h,
      alias,
      aliasPredicted: h.alias === undefined,
      ...(msixRelocation ? { msixRelocation } : {}),
      ...(noMmap ? { noMmap } : {}),
    };
  });
  const aliases = new Set(hostdevs.map((h) => h.alias));
  for (const alias of overrides.byAlias.keys()) {
    if (!aliases.has(alias))
      warnings.push(
        `an x-msix-relocation or x-no-mmap override names device "${alias}", which is none of this domain's PCI hostdevs; ignored`,
      );
  }
  if (hostdevs.some((h) => h.aliasPredicted)) {
    warnings.push(
      'hostdevs without <alias>: their QEMU ids are the hostdevN libvirt gives when the domain starts (user aliases ua-... are stable)',
    );
  }
  return {
    ok: true,
    domain: {
      name,
      ...(uuid ? { uuid } : {}),
      ...(machine ? { machine } : {}),
      ...(machineType ? { machineType } : {}),
      hostdevs,
    },
    warnings,
  };
}
