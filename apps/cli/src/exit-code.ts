/** The CLI's exit statuses (README, "CLI"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** Invalid input or usage: every problem is on stderr and nothing is on stdout. */
  invalid: 2,
} as const;
