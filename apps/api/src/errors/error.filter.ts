import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { BarplaneError, errorCodeForHttp } from '@barplane/contracts';
import { ErrorBody } from './error-body';

/** Maps every error, once, to its HTTP status and the one error body. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { correlationId?: string }>();
    let status = 500;
    let body: ErrorBody = { error: 'INTERNAL', message: 'internal error', problems: [] };
    if (error instanceof BarplaneError) {
      status = error.httpStatus;
      body = { error: error.code, message: error.message, problems: error.problems };
    } else if (isBodyError(error)) {
      // body-parser's own errors (http-errors): a body too large, in an unknown charset, unreadable.
      status = error.status === 413 || error.status === 415 ? error.status : 400;
      const code = errorCodeForHttp(status)!;
      const message = status === 413 ? `the body is larger than ${error.limit} bytes` : error.message;
      body = { error: code, message, problems: [{ path: '$', message }] };
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      const response = error.getResponse();
      const message =
        typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      // Nest's own exceptions (an unknown route is a NotFoundException) speak the same codes.
      const code = status >= 500 ? 'INTERNAL' : (errorCodeForHttp(status) ?? 'VALIDATION');
      body = { error: code, message, problems: [] };
    } else {
      this.log.error(error instanceof Error ? error.stack : String(error));
    }
    if (req.correlationId) body.correlationId = req.correlationId;
    if (!res.headersSent) res.status(status).json(body);
  }
}

/** An error body-parser raised while reading a request body (it has a 4xx `status` and a `type`). */
function isBodyError(error: unknown): error is { status: number; type: string; message: string; limit?: number } {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { status?: unknown; type?: unknown };
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.type === 'string';
}
