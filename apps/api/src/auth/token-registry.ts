import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Principal, ROLES, Role } from './role';

/** One entry of the tokens file: only the token's SHA-256 is stored, never the token. */
export interface TokenEntry {
  principal: string;
  roles: Role[];
  sha256: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Bearer tokens from a JSON file `{ "tokens": [TokenEntry] }`. */
export class TokenRegistry {
  private constructor(private readonly entries: readonly TokenEntry[]) {}

  static fromFile(file: string): TokenRegistry {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: TokenEntry[] };
    const entries = parsed.tokens ?? [];
    for (const e of entries) {
      if (!/^[0-9a-f]{64}$/.test(e.sha256) || !e.principal || !e.roles?.every((r) => (ROLES as readonly string[]).includes(r))) {
        throw new Error(`tokens file ${file}: bad entry for "${e.principal}" (principal, roles from ${ROLES.join('/')}, sha256 hex)`);
      }
    }
    return new TokenRegistry(entries);
  }

  static of(entries: TokenEntry[]): TokenRegistry {
    return new TokenRegistry(entries);
  }

  /** The principal a bearer token stands for, or undefined. Compares digests in constant time. */
  principalOf(token: string): Principal | undefined {
    const digest = Buffer.from(sha256Hex(token), 'hex');
    for (const e of this.entries) {
      if (timingSafeEqual(digest, Buffer.from(e.sha256, 'hex'))) return { name: e.principal, roles: e.roles };
    }
    return undefined;
  }
}
