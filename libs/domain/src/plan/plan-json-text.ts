import { regionToJson } from '../vfio/vfio-region-json';
import { Plan } from './plan';
import { alignmentToJson, barDecisionToJson } from './plan-json';

/**
 * Items turned into text at a time: few native calls, and each piece of text (~60 KB) stays
 * below V8's large-object size (128 KB), so it is made in young pages used again and again
 * rather than in fresh pages of its own (512 at a time made 5x the page faults).
 */
const ITEMS_PER_CALL = 128;

/**
 * `JSON.stringify(planToJson(plan), null, 2)`, the same text, in pieces: BARs, PEs and
 * functions are turned into JSON and text 128 at a time, so a plan of 30,000 BARs never holds
 * its whole wire tree, nor one 20 MB string. On a host where touching fresh memory is slow
 * (every new page a fault) that tree and string were a fifth of `barplane plan`.
 */
export function* planJsonText(plan: Plan): Generator<string> {
  let head = `{\n  "ruleSet": ${JSON.stringify(plan.ruleSet)},\n  "host": ${JSON.stringify(plan.host)}`;
  const lists: [string, readonly unknown[], (item: never) => unknown][] = [
    ['pes', plan.pes, (pe: Plan['pes'][number]) => ({ id: pe.id, alignment: alignmentToJson(pe.alignment) })],
    ['bars', plan.bars, barDecisionToJson],
  ];
  if (plan.regions) {
    type Regions = NonNullable<Plan['regions']>[number];
    lists.push([
      'regions',
      plan.regions,
      (f: Regions) => ({ pe: f.pe, bdf: f.bdf, regions: f.regions.map(regionToJson) }),
    ]);
  }
  for (const [key, items, toJson] of lists) {
    if (items.length === 0) {
      head += `,\n  ${JSON.stringify(key)}: []`;
      continue;
    }
    // Each group is written as `{ key: [...group] }` is, and its items cut out: they then
    // stand exactly as deep, and as indented, as in the whole plan's text.
    const open = `{\n  ${JSON.stringify(key)}: [\n`;
    const close = '\n  ]\n}';
    for (let i = 0; i < items.length; i += ITEMS_PER_CALL) {
      const group = items.slice(i, i + ITEMS_PER_CALL).map((item) => toJson(item as never));
      const text = JSON.stringify({ [key]: group }, null, 2);
      yield `${i === 0 ? `${head},\n  ${JSON.stringify(key)}: [\n` : ',\n'}${text.slice(open.length, -close.length)}`;
      head = '';
    }
    head = '\n  ]';
  }
  if (plan.vm) head += `,\n  "vm": ${JSON.stringify({ ...plan.vm }, null, 2).replaceAll('\n', '\n  ')}`;
  yield `${head}\n}`;
}
