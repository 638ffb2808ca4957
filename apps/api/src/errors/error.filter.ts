import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { BarplaneError, ERROR_STATUS } from '@barplane/contracts';
import { ErrorBody } from './error-body';

const STATUS_CODE: Record<number, string> = { 400: 'VALIDATION', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'VALIDATION', 422: 'IDEMPOTENCY_MISMATCH' };

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
      status = ERROR_STATUS[error.code];
      body = { error: error.code, message: error.message, problems: error.problems };
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      body = { error: STATUS_CODE[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION'), message, problems: [] };
    } else {
      this.log.error(error instanceof Error ? error.stack : String(error));
    }
    if (req.correlationId) body.correlationId = req.correlationId;
    if (!res.headersSent) res.status(status).json(body);
  }
}
