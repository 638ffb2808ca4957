import { FunctionRegions } from '../vfio/plan-regions';
import { Plan } from './plan';
import { barDecisionToJson, functionRegionsToJson, peDecisionToJson } from './plan-json';

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
 * (every new page a fault) that tree and string were a fifth of `barplane plan`. `regions`,
 * when given, stands for the plan's: made one function at a time (planAnswerText), they are
 * written and dropped, never all kept.
 */
export function* planJsonText(
  plan: Plan,
  regions: Iterable<FunctionRegions> | undefined = plan.regions,
): Generator<string> {
  let head = `{\n  "ruleSet": ${JSON.stringify(plan.ruleSet)},\n  "host": ${JSON.stringify(plan.host)}`;
  const lists: [string, Iterable<unknown>, (item: never) => unknown][] = [
    ['pes', plan.pes, peDecisionToJson],
    ['bars', plan.bars, barDecisionToJson],
  ];
  if (regions) lists.push(['regions', regions, functionRegionsToJson]);
  for (const [key, items, toJson] of lists) {
    // Each group is written as `{ key: [...group] }` is, and its items cut out: they then
    // stand exactly as deep, and as indented, as in the whole plan's text.
    const open = `{\n  ${JSON.stringify(key)}: [\n`;
    const close = '\n  ]\n}';
    let first = true;
    for (const group of groupsOf(items, ITEMS_PER_CALL)) {
      const text = JSON.stringify({ [key]: group.map((item) => toJson(item as never)) }, null, 2);
      yield `${first ? `${head},${open.slice(1)}` : ',\n'}${text.slice(open.length, -close.length)}`;
      first = false;
      head = '';
    }
    head = first ? `${head},\n  ${JSON.stringify(key)}: []` : '\n  ]';
  }
  if (plan.vm) head += `,\n  "vm": ${JSON.stringify({ ...plan.vm }, null, 2).replaceAll('\n', '\n  ')}`;
  yield `${head}\n}`;
}

function* groupsOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  // Arrays by slices: a for-of over 30,000 decisions allocates a step result each in cold code.
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size) as T[];
    return;
  }
  let group: T[] = [];
  for (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}
