import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError } from './app-error';
import { ERROR_CODES, type ErrorCode } from './error-codes';
import { RouteTable } from '../http/route-table';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'invalid_api_key',
  403: 'insufficient_scope',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Nest re-wraps Fastify's own errors as plain HttpExceptions, keeping only the message, so they are
 * recognised by Fastify's message texts. Each gets a message that says what to send instead.
 */
const FASTIFY_MESSAGES = new Map<string, { code: ErrorCode; message: (req: FastifyRequest) => string }>([
  [
    new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE().message,
    { code: 'unsupported_media_type', message: (req) => `Send the request body as application/json${req.routeOptions.config?.multipart ? ' or multipart/form-data' : ''}` },
  ],
  [
    new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE().message,
    { code: 'payload_too_large', message: (req) => `The request body is over ${size(req.routeOptions.bodyLimit)}, the most this route takes` },
  ],
]);

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`);

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; [detail: string]: unknown };
}

/**
 * Turns anything thrown into the one error shape. Only AppError and Nest's HTTP exceptions carry
 * their message to the client; anything else is logged and answered with a generic 500, so no stack
 * trace or driver message leaks out.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body, headers } = this.toResponse(exception, req);
    if (status >= 500) this.logger.error({ err: exception, requestId: req.id }, 'request failed');
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    void reply.status(status).send(body);
  }

  toResponse(exception: unknown, req: FastifyRequest): { status: number; body: ErrorBody; headers: Record<string, string> } {
    const requestId = String(req.id);
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        headers: exception.headers,
        body: { error: { code: exception.code, message: exception.message, requestId, ...exception.details } },
      };
    }
    if (exception instanceof HttpException && exception.getStatus() === HttpStatus.NOT_FOUND) {
      const allowed = this.routes.methodsFor(req.url.split('?')[0]);
      if (allowed.length && !allowed.includes(req.method)) {
        return {
          status: 405,
          headers: { allow: allowed.join(', ') },
          body: { error: { code: 'method_not_allowed', message: `${req.method} is not allowed here; use ${allowed.join(', ')}`, requestId, allowed } },
        };
      }
      return { status: 404, headers: {}, body: { error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId } } };
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (exception instanceof HttpException || typeof fastifyError?.statusCode === 'number') {
      const status = exception instanceof HttpException ? exception.getStatus() : fastifyError.statusCode!;
      if (status < 500) return { status, headers: {}, body: { error: this.clientError(status, exception, req) } };
    }
    return { status: 500, headers: {}, body: { error: { code: 'internal_error', message: 'Something went wrong on our side', requestId } } };
  }

  private clientError(status: number, exception: unknown, req: FastifyRequest): ErrorBody['error'] {
    const requestId = String(req.id);
    const message = exception instanceof Error ? exception.message : '';
    const known = FASTIFY_MESSAGES.get(message);
    if (known) return { code: known.code, message: known.message(req), requestId };
    const code = STATUS_CODES[status];
    return { code: code && ERROR_CODES[code] === status ? code : `http_${status}`, message: message || `Request failed with status ${status}`, requestId };
  }
}
