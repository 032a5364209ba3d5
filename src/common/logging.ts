import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import pino, { type Logger } from 'pino';

/** Path segments that are credentials: a signed file link, an invitation. */
const SECRET_PATH = /^(\/api\/v1\/(?:files|invitations)\/)[^/?#]+/;
/** Query parameters that carry credentials (`?token=` of a verification link, and the like). */
const SECRET_QUERY = /([?&][^=&#]*(?:token|secret|key|signature|password)[^=&#]*=)[^&#]*/gi;
export const REDACTED = '[redacted]';

/** A request URL fit for the log: tokens in paths and query strings replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, `$1${REDACTED}`).replace(SECRET_QUERY, `$1${REDACTED}`);
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL redacted: whoever reads the log must not be able to use a link in it. */
const serializeRequest = (req: LoggedRequest) => ({
  method: req.method,
  url: redactUrl(req.url),
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/**
 * One pino logger for the whole process. Fastify uses it for request logs (each line carries the
 * request id; its own `req` serializer is replaced by serializeRequest); Nest's Logger writes through
 * PinoNestLogger, with its context as a field.
 */
export function createRootLogger(options: { logLevel: pino.LevelWithSilent }): Logger {
  return pino({ level: options.logLevel, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, serializers: { req: serializeRequest } });
}

/** The request being handled, where there is one: its logger (whose lines carry its id) and its reply. */
interface RequestInHand {
  log: Logger;
  reply: FastifyReply;
}
const requestInHand = new AsyncLocalStorage<RequestInHand>();

/**
 * Fastify preHandler hook: runs the rest of the request (guards, pipes, handler, services) with the
 * request's child logger in reach, so Nest Logger lines written on its behalf carry its request id.
 * Entered once per request, and only here: a context entered in onRequest would not survive reading
 * the body, whose stream events arrive in the socket's async context.
 */
export function runWithRequestLogger(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  requestInHand.run({ log: req.log as Logger, reply }, done);
}

/**
 * The current request's logger while it is being answered. Work a request set going that outlives it
 * (a queue it woke, a connection it opened) inherits its context; once the answer is sent, such work
 * logs without the request's id rather than with a stale one.
 */
function requestLogger(): Logger | undefined {
  const current = requestInHand.getStore();
  return current && !current.reply.raw.writableEnded ? current.log : undefined;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Adapts Nest's `logger.log(message | object, [text], context)` calls to pino's `(object, text)`,
 * written through the current request's logger when there is one (see runWithRequestLogger).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const log = requestLogger() ?? this.pino;
    // Nest appends the logger's context as the last string parameter.
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      const text = typeof params[0] === 'string' ? params[0] : undefined;
      log[level]({ context, ...(message as object) }, text);
    } else if (message instanceof Error) {
      log[level]({ context, err: message }, message.message);
    } else {
      // Nest's own error calls pass a stack trace as the next parameter.
      const stack = typeof params[0] === 'string' ? params[0] : undefined;
      log[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
