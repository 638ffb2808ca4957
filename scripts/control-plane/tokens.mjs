// Bearer tokens for a local run: one random token per role, only their SHA-256 in the file
// the API reads (BARPLANE_TOKENS_FILE). The plain tokens are printed once, never stored.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const ROLES = ['viewer', 'provisioner', 'operator', 'auditor'];

export function writeTokens(file) {
  const plain = {};
  const tokens = ROLES.map((role) => {
    const token = `bp_${role}_${randomBytes(18).toString('base64url')}`;
    plain[role] = token;
    // The operator of a local demo may do everything an operator and a provisioner can.
    const roles = role === 'operator' ? ['operator', 'provisioner', 'auditor'] : [role];
    return { principal: `${role}:local`, roles, sha256: createHash('sha256').update(token).digest('hex') };
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ tokens }, null, 2) + '\n', { mode: 0o600 });
  return plain;
}
