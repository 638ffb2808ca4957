import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { Problem } from '@barplane/domain';
import { BarplaneError, parseExactJson } from '@barplane/contracts';

/** Where the middleware leaves the refused numbers: on the body itself, so a body pipe sees them. */
const INEXACT = Symbol('barplane.inexact');

/** The numbers the exact parser refused in this body (each replaced by null), at their paths. */
export function inexactIn(body: unknown): readonly Problem[] {
  return (body !== null && typeof body === 'object' && (body as { [INEXACT]?: Problem[] })[INEXACT]) || [];
}

/**
 * Express's JSON parser would round a bare number above 2^53; bodies are read as text and
 * parsed losslessly instead, and an inexact number becomes a problem at its path.
 */
@Injectable()
export class ExactJsonMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text === '') {
      req.body = undefined;
      return next();
    }
    const parsed = parseExactJson(text);
    if (!parsed.ok) return next(BarplaneError.invalid(parsed.problems, 'the body is not JSON'));
    const body: unknown = parsed.value;
    // Not enumerable: JSON.stringify, Object.keys and the DTO walk never see it. A body that is
    // not an object is refused as such by every route, so its inexact number needs no carrier.
    if (parsed.inexact.length > 0 && body !== null && typeof body === 'object')
      Object.defineProperty(body, INEXACT, { value: parsed.inexact });
    req.body = body;
    next();
  }
}
