import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { BarplaneError } from '@barplane/contracts';
import { Principal, Role } from './role';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { bearerToken } from './authenticate-before-body';
import { TokenRegistry } from './token-registry';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** 401 without a valid bearer token, 403 when the token's roles are not enough. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenRegistry) private readonly tokens: TokenRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req);
    const principal = token ? this.tokens.principalOf(token) : undefined;
    if (!principal)
      throw new BarplaneError('UNAUTHENTICATED', 'a valid bearer token is required (Authorization: Bearer <token>)');
    req.principal = principal;
    const needed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (needed.length === 0 || needed.includes('viewer') || needed.some((r) => principal.roles.includes(r)))
      return true;
    throw new BarplaneError(
      'FORBIDDEN',
      `this needs one of the roles ${needed.join(', ')}; ${principal.name} has ${principal.roles.join(', ') || 'none'}`,
    );
  }
}
