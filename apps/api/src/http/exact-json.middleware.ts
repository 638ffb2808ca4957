import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { Problem } from '@barplane/domain';
import { BarplaneError, parseExactJson } from '@barplane/contracts';

export type ExactRequest = Request & { inexact?: Problem[] };

/**
 * Express's JSON parser would round a bare number above 2^53; bodies are read as text and
 * parsed losslessly instead, and an inexact number becomes a problem at its path.
 */
@Injectable()
export class ExactJsonMiddleware implements NestMiddleware {
  use(req: ExactRequest, _res: Response, next: NextFunction): void {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text === '') {
      req.body = undefined;
      return next();
    }
    const parsed = parseExactJson(text);
    if (!parsed.ok) return next(BarplaneError.invalid(parsed.problems, 'the body is not JSON'));
    req.body = parsed.value;
    req.inexact = parsed.inexact;
    next();
  }
}
