import { EXIT } from '../exit-code';

/**
 * The exit statuses of the operator commands (hosts, explain, assign, audit, replay): the one
 * place they are defined. `plan` uses the first three (../exit-code.ts).
 */
export const OPERATOR_EXIT = {
  ...EXIT,
  /** HTTP 404: the host, PE, function, BAR or VM does not exist. */
  notFound: 3,
  /** HTTP 409: a conflict (a PE held by another VM, a stale version). */
  conflict: 4,
} as const;

export type ExitStatus = (typeof OPERATOR_EXIT)[keyof typeof OPERATOR_EXIT];

/** What each status means for the commands that call the API. */
const API_MEANINGS: Record<ExitStatus, string> = {
  0: 'ok',
  1: 'failure: the API cannot be reached, refuses the token (401/403) or fails (5xx)',
  2: 'invalid input or usage: bad arguments or options, HTTP 400/413/415/422',
  3: 'not found: HTTP 404 (unknown host, PE, function, BAR or VM)',
  4: 'conflict: HTTP 409 (e.g. a sibling function of the PE is given to another VM)',
};

/** The exit status table printed at the end of every operator command's --help; a command may say more about a status. */
export function exitStatusHelp(meanings: Partial<Record<ExitStatus, string>> = {}): string {
  const all = { ...API_MEANINGS, ...meanings };
  return ['', 'Exit status:', ...(Object.keys(all) as unknown as ExitStatus[]).map((code) => `  ${code}  ${all[code]}`)].join('\n');
}

export const EXIT_STATUS_HELP = exitStatusHelp();

/** The exit status for an HTTP error status. */
export function exitForHttp(status: number): ExitStatus {
  if (status === 400 || status === 413 || status === 415 || status === 422) return OPERATOR_EXIT.invalid;
  if (status === 404) return OPERATOR_EXIT.notFound;
  if (status === 409) return OPERATOR_EXIT.conflict;
  return OPERATOR_EXIT.failure;
}
