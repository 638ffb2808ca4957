/** Where an envelope was read from; kept beside the audit record, never hashed. */
export interface Source {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}
