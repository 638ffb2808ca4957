import { Problem, compareIds, parseBdf } from '@barplane/domain';

/** Where a qdev id -> host BDF mapping came from, for messages. */
export type MappingSource = 'qom-get host' | 'libvirt' | '--map';

export interface QdevMapping {
  readonly id: string;
  readonly bdf: string;
  readonly source: MappingSource;
}

/**
 * Reads `--map QDEV_ID=BDF` entries. Every problem is reported (path `--map[i]`): no `=`, an
 * empty id, a BDF that does not parse, the same id twice.
 */
export function parseMapOptions(entries: readonly string[]): { mappings: QdevMapping[]; problems: Problem[] } {
  const mappings: QdevMapping[] = [];
  const problems: Problem[] = [];
  const firstAt = new Map<string, number>();
  entries.forEach((entry, i) => {
    const path = `--map[${i}]`;
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) return void problems.push({ path, message: `"${entry}" is not QDEV_ID=BDF` });
    const id = entry.slice(0, eq);
    const parsed = parseBdf(entry.slice(eq + 1).trim());
    if (!parsed.ok) return void problems.push({ path, message: parsed.problem });
    const earlier = firstAt.get(id);
    if (earlier !== undefined)
      return void problems.push({ path, message: `device id "${id}" is mapped twice (first at --map[${earlier}])` });
    firstAt.set(id, i);
    mappings.push({ id, bdf: parsed.bdf, source: '--map' });
  });
  return { mappings, problems };
}

/**
 * One qdev id -> host BDF map from the sources in increasing precedence (a later source wins
 * for an id, with a warning when it says otherwise). Two ids on one host function are a problem:
 * a function is given to a VM once.
 */
export function mergeMappings(...sources: readonly (readonly QdevMapping[])[]): {
  map: Map<string, string>;
  problems: Problem[];
  warnings: string[];
} {
  const byId = new Map<string, QdevMapping>();
  const warnings: string[] = [];
  for (const m of sources.flat()) {
    const before = byId.get(m.id);
    if (before && before.bdf !== m.bdf)
      warnings.push(
        `device id "${m.id}": ${m.source} says ${m.bdf}, ${before.source} said ${before.bdf}; ${m.source} wins`,
      );
    byId.set(m.id, m);
  }
  const problems: Problem[] = [];
  const byBdf = new Map<string, string[]>();
  for (const m of byId.values()) byBdf.set(m.bdf, [...(byBdf.get(m.bdf) ?? []), m.id]);
  for (const [bdf, ids] of [...byBdf].sort(([a], [b]) => compareIds(a, b))) {
    if (ids.length > 1)
      problems.push({
        path: '--map',
        message: `host function ${bdf} is mapped from ${ids.length} devices (${ids.sort(compareIds).join(', ')}): one function is one device`,
      });
  }
  return { map: new Map([...byId].map(([id, m]) => [id, m.bdf])), problems, warnings };
}
