export const ROLES = ['viewer', 'provisioner', 'operator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who sent a request: recorded with every command and in every audit record. */
export interface Principal {
  readonly name: string;
  readonly roles: readonly Role[];
}
