import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/** Stores' product webhooks carry the whole product, variants and all: more than the usual JSON body. */
export const RAW_BODY_LIMIT = 2 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    rawBody?: boolean;
  }
}

/**
 * The route reads its body as the bytes received, whatever its content type, unparsed: a signature
 * over a body (a store's webhook) is checked against those bytes, which re-serialised JSON is not.
 */
export const TakesRawBody = () =>
  applyDecorators(
    RouteConfig({ rawBody: true }),
    ApiConsumes('application/json', 'application/x-www-form-urlencoded'),
    ApiBody({ description: 'The body exactly as the store signed it', schema: { type: 'string', format: 'binary' } }),
  );

export const takesRawBody = (req: FastifyRequest) => req.routeOptions.config?.rawBody === true;

/** The body of a @TakesRawBody route: its bytes (empty when there were none). */
export const RawBody = createParamDecorator((_: unknown, ctx: ExecutionContext): Buffer => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
});

/**
 * Routes marked @TakesRawBody take any content type as bytes, up to RAW_BODY_LIMIT (the JSON parser
 * hands them their bytes too); every other route still answers 415 to a content type it does not take.
 * Call before the app is created.
 */
export function registerRawBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    if (takesRawBody(req)) return done(null, body);
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
  });
  fastify.addHook('onRoute', (route) => {
    if (route.config?.rawBody) route.bodyLimit = RAW_BODY_LIMIT;
  });
}
