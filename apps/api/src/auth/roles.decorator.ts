import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Role } from './role';

export const ROLES_KEY = 'barplane:roles';
export const PUBLIC_KEY = 'barplane:public';

/**
 * The roles that may call a route. `viewer` means any valid token: every role can read.
 * A route with neither @Roles nor @Public needs a valid token and nothing more. The roles
 * are also written into the OpenAPI document (`x-roles`), which the auth-matrix test reads.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));

/** Operational routes (health, metrics) that need no token. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-public', true));
