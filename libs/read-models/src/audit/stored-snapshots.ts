/**
 * Fact snapshots (by hash) known to be in `fact_snapshots` already, so a batch need not send
 * them again: a rebuild makes the same few snapshots over and over (a VM flipping between two
 * placements), and an insert that only finds a conflict still costs PostgreSQL a parse of the
 * document and an index probe. Only for a writer that owns the table meanwhile (a rebuild, after
 * its TRUNCATE); bounded: past `limit` hashes it forgets them all and learns again.
 */
export class StoredSnapshots {
  private readonly hashes = new Set<string>();

  constructor(private readonly limit = 200_000) {}

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  /** Hashes a committed transaction wrote. */
  addAll(hashes: Iterable<string>): void {
    for (const hash of hashes) {
      if (this.hashes.size >= this.limit) this.hashes.clear();
      this.hashes.add(hash);
    }
  }
}
