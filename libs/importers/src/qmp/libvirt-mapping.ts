import { Problem } from '@barplane/domain';
import { parseLibvirtDomain } from '../libvirt/parse-libvirt-domain';
import { QdevMapping } from './qdev-mapping';

/**
 * The qdev id -> host BDF of every PCI hostdev of a libvirt domain XML: libvirt starts each
 * hostdev as `-device vfio-pci,host=<source address>,id=<alias>`, so the alias is the qdev id
 * query-pci shows. Problems are the XML's (paths are XPaths).
 */
export function qdevMappingsFromLibvirt(xml: string): {
  mappings: QdevMapping[];
  problems: readonly Problem[];
  warnings: readonly string[];
} {
  const read = parseLibvirtDomain(xml);
  if (!read.ok) return { mappings: [], problems: read.problems, warnings: [] };
  return {
    mappings: read.domain.hostdevs.map((h) => ({ id: h.alias, bdf: h.bdf, source: 'libvirt' as const })),
    problems: [],
    warnings: read.warnings,
  };
}
