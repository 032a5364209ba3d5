import type { LoggerService } from '@nestjs/common';
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

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Adapts Nest's `logger.log(message | object, [text], context)` calls to pino's `(object, text)`.
 * A line written on a request's behalf names it with a `requestId` field of its own: the logger does
 * not look the request up, since finding it would take an AsyncLocalStorage, which on Node 20 taxes
 * every promise of the process (see docs/architecture.md).
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
    // Nest appends the logger's context as the last string parameter.
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      const text = typeof params[0] === 'string' ? params[0] : undefined;
      this.pino[level]({ context, ...(message as object) }, text);
    } else if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else {
      // Nest's own error calls pass a stack trace as the next parameter.
      const stack = typeof params[0] === 'string' ? params[0] : undefined;
      this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
