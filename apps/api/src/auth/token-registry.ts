import { hash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Principal, ROLES, Role } from './role';

/** One entry of the tokens file: only the token's SHA-256 is stored, never the token. */
export interface TokenEntry {
  principal: string;
  roles: Role[];
  sha256: string;
}

/** Bearer tokens from a JSON file `{ "tokens": [TokenEntry] }`. */
export class TokenRegistry {
  /** The entries' digests as bytes, decoded once rather than on every request. */
  private readonly digests: readonly { entry: TokenEntry; digest: Buffer }[];

  private constructor(entries: readonly TokenEntry[]) {
    this.digests = entries.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  }

  static fromFile(file: string): TokenRegistry {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: TokenEntry[] };
    const entries = parsed.tokens ?? [];
    for (const e of entries) {
      if (
        !/^[0-9a-f]{64}$/.test(e.sha256) ||
        !e.principal ||
        !e.roles?.every((r) => (ROLES as readonly string[]).includes(r))
      ) {
        throw new Error(
          `tokens file ${file}: bad entry for "${e.principal}" (principal, roles from ${ROLES.join('/')}, sha256 hex)`,
        );
      }
    }
    return new TokenRegistry(entries);
  }

  static of(entries: TokenEntry[]): TokenRegistry {
    return new TokenRegistry(entries);
  }

  /** The principal a bearer token stands for, or undefined. Compares digests in constant time. */
  principalOf(token: string): Principal | undefined {
    const digest = hash('sha256', token, 'buffer');
    for (const { entry, digest: known } of this.digests) {
      if (timingSafeEqual(digest, known)) return { name: entry.principal, roles: entry.roles };
    }
    return undefined;
  }
}
