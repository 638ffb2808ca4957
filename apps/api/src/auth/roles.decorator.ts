import { SetMetadata } from '@nestjs/common';
import { Role } from './role';

export const ROLES_KEY = 'barplane:roles';
export const PUBLIC_KEY = 'barplane:public';

/**
 * The roles that may call a route. `viewer` means any valid token: every role can read.
 * A route with neither @Roles nor @Public needs a valid token and nothing more.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Operational routes (health, metrics) that need no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
