import { parseBdf } from '@barplane/domain/pci/bdf';
import { idProblem } from '@barplane/domain/scenario/identifier';

// The checks behind the shape keywords `u64`, `bdf` and `barplaneId` (shape-keywords.ts): the
// same functions the class-validator decorators call, in a module light enough for the check
// compiled at build time to require.
export { isU64Json } from './u64-json';

export function isBdfText(value: unknown): boolean {
  return typeof value === 'string' && parseBdf(value).ok;
}

export function isBarplaneIdText(value: unknown): boolean {
  return typeof value === 'string' && idProblem(value) === undefined;
}
