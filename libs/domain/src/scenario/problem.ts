/** One thing wrong with an input, at a JSON path such as `pes[0].functions[1].bars[0].size`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}
