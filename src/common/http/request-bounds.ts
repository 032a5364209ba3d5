import type { FastifyBodyParser, FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';
import { takesRawBody } from './raw-body';

/**
 * The most a JSON body may be unless a route sets its own (edits: base64 images). The bodies routes
 * mean are a few kilobytes; a bigger one would cost its parsing before any check could refuse it.
 */
export const JSON_BODY_LIMIT = 256 * 1024;
/** No route's body nests more than a few levels; deeper ones are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 32;
/**
 * class-transformer's work grows with the square of an object's keys (90,000 keys took 4 s), and
 * every value costs the validators something: bodies are bounded in both before they reach them.
 */
export const MAX_JSON_KEYS = 1000;
export const MAX_JSON_VALUES = 10_000;

/** Signed download tokens are longer than Fastify's default 100-character path parameter. */
export const MAX_PARAM_LENGTH = 300;

/**
 * JSON is the only body content type (multipart/form-data is added by the routes that take it, and
 * @TakesRawBody routes take any as bytes): Fastify's text/plain parser and Nest's urlencoded one are
 * not registered, so other bodies answer 415.
 * Call before the app is created, which must be with `bodyParser: false`.
 */
export function registerJsonBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonBody);
}

/** A @TakesRawBody route (raw-body.ts) gets the bytes as received. */
const parseJsonBody: FastifyBodyParser<Buffer> = (req, bytes, done) => {
  if (takesRawBody(req)) return done(null, bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return done(new AppError('invalid_json', 'The request body is empty but Content-Type says JSON'), undefined);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return done(new AppError('invalid_json', 'The request body is not valid JSON'), undefined);
  }
  const refusal = jsonRefusal(value);
  if (refusal) return done(refusal, undefined);
  done(null, value);
};

/**
 * Why a parsed JSON value is refused, or null: nesting past MAX_JSON_DEPTH, an object with over
 * MAX_JSON_KEYS keys or over MAX_JSON_VALUES values in all, a key that would reach an object's
 * prototype (`__proto__`, or `constructor` holding `prototype`, as secure-json-parse refuses them),
 * or a NUL character in a string or key (no field means one, and databases refuse it). `path` names
 * the value in the refusal, as validation errors name fields.
 */
export function jsonRefusal(value: unknown, path = ''): AppError | null {
  return new JsonWalk().refusal(value, path, 0);
}

class JsonWalk {
  private values = 0;

  refusal(value: unknown, path: string, depth: number): AppError | null {
    if (typeof value === 'string') return value.includes('\0') ? nulIn(path || 'body') : null;
    if (typeof value !== 'object' || value === null) return null;
    if (depth === MAX_JSON_DEPTH) return new AppError('invalid_json', `The JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    return Array.isArray(value) ? this.array(value, path, depth) : this.object(value as Record<string, unknown>, path, depth);
  }

  private array(items: unknown[], path: string, depth: number): AppError | null {
    if ((this.values += items.length) > MAX_JSON_VALUES) return tooManyValues();
    for (let i = 0; i < items.length; i++) {
      const refusal = this.refusal(items[i], join(path, String(i)), depth + 1);
      if (refusal) return refusal;
    }
    return null;
  }

  private object(object: Record<string, unknown>, path: string, depth: number): AppError | null {
    let keys = 0;
    for (const key in object) {
      if (++keys > MAX_JSON_KEYS) return new AppError('invalid_json', `${path ? clip(path) : 'The body'} has more than ${MAX_JSON_KEYS} keys`);
      if (++this.values > MAX_JSON_VALUES) return tooManyValues();
      if (key.includes('\0')) return nulIn(join(path, key.replaceAll('\0', '\\u0000')));
      const child = object[key];
      const childPath = join(path, key);
      if (key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) {
        const field = clip(childPath);
        return new AppError('invalid_json', `${field} is refused: a "${key}" key could reach an object's prototype`, { field });
      }
      const refusal = this.refusal(child, childPath, depth + 1);
      if (refusal) return refusal;
    }
    return null;
  }
}

const tooManyValues = () => new AppError('invalid_json', `The JSON holds more than ${MAX_JSON_VALUES} values`);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
/** Paths are made of the client's keys: an answer names at most this much of one. */
const clip = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}...` : path);

function nulIn(path: string): AppError {
  const field = clip(path);
  const message = `${field} must not contain a NUL character (\\u0000)`;
  return new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });
}

/** A NUL character (%00) in the path or query string is refused before routing: no id or query value has one. */
export function nulInUrl(url: string): AppError | undefined {
  return url.includes('%00') ? new AppError('validation_failed', 'The URL must not contain a NUL character (%00)') : undefined;
}

/**
 * Fastify answers a URL it cannot route by itself, before any hook or filter runs: these are the
 * catalogue errors its own errors stand for, for the one error shape.
 */
export function urlError(err: FastifyError): Error {
  if (err.code === 'FST_ERR_BAD_URL') return new AppError('validation_failed', 'The URL is not validly percent-encoded');
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('uri_too_long', `A path segment is over ${MAX_PARAM_LENGTH} characters`);
  return err;
}
