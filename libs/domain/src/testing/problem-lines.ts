import { Problem } from '../scenario/problem';

/** Problems as the domain's messages name them, `path: message`: a spec's expected list, one line each. */
export function problemLines(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}
