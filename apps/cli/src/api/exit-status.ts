import { EXIT_STATUS, ExitStatus, httpStatusesForExit } from '@barplane/contracts';

/** HTTP 400/413/... for an exit status, from the one table of error codes (ERRORS in libs/contracts). */
const http = (exit: ExitStatus) => `HTTP ${httpStatusesForExit(exit).join('/')}`;

/** What each status means for the commands that call the API. */
const API_MEANINGS: Record<ExitStatus, string> = {
  [EXIT_STATUS.ok]: 'ok',
  [EXIT_STATUS.failure]: 'failure: the API cannot be reached, refuses the token (401/403) or fails (5xx)',
  [EXIT_STATUS.invalid]: `invalid input or usage: bad arguments or options, ${http(EXIT_STATUS.invalid)}`,
  [EXIT_STATUS.notFound]: `not found: ${http(EXIT_STATUS.notFound)} (unknown host, PE, function, BAR or VM)`,
  [EXIT_STATUS.conflict]: `conflict: ${http(EXIT_STATUS.conflict)} (e.g. a sibling function of the PE is given to another VM)`,
};

/**
 * The exit status table printed at the end of every operator command's --help; a command may say more about a status.
 */
export function exitStatusHelp(meanings: Partial<Record<ExitStatus, string>> = {}): string {
  const all = { ...API_MEANINGS, ...meanings };
  return [
    '',
    'Exit status:',
    ...(Object.keys(all) as unknown as ExitStatus[]).map((code) => `  ${code}  ${all[code]}`),
  ].join('\n');
}

export const EXIT_STATUS_HELP = exitStatusHelp();
