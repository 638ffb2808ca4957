import { NextFunction, Request, Response } from 'express';
import { TokenRegistry } from './token-registry';

/** Methods whose requests carry a body the API would read and parse. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The bearer token of a request, when its Authorization header has one. */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
}

/**
 * Express middleware placed before the body is read: a request to /v1 that carries a body and
 * no valid token is answered 401 at once, so an anonymous client cannot make the API read and
 * parse megabytes. Roles are still checked by the guard, after parsing, as for every route.
 */
export function authenticateBeforeBody(tokens: TokenRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!WITH_BODY.has(req.method) || !req.path.startsWith('/v1/')) return next();
    const token = bearerToken(req);
    if (token && tokens.principalOf(token)) return next();
    res.status(401).set('Connection', 'close').json({
      error: 'UNAUTHENTICATED',
      message: 'a valid bearer token is required (Authorization: Bearer <token>)',
      problems: [],
    });
  };
}
