import { randomUUID } from 'node:crypto';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { applyGeneratedSecrets } from './config/generated-secrets';
import { switchOffIdleAsyncStorage } from './common/idle-async-storage';
import { createRootLogger, PinoNestLogger } from './common/logging';
import { GlobalExceptionFilter } from './common/errors/global-exception.filter';
import { JSON_BODY_LIMIT, MAX_PARAM_LENGTH, nulInUrl, registerJsonBodies, urlError } from './common/http/request-bounds';
import { RouteTable } from './common/http/route-table';
import { createValidationPipe } from './common/validation';
import { migrateDatabase } from './database/migrate';
import { ApiDocs } from './docs/api-docs';
import { registerApiReference } from './docs/api-reference';
import { registerConsoleFiles } from './console/console-static';
import { buildOpenApiDocument } from './docs/openapi-document';
import { registerMultipart } from './common/http/multipart-form';
import { registerRawBodies } from './common/http/raw-body';
import fastifyCookie from '@fastify/cookie';
import { Metrics } from './ops/metrics';
import { loadPluginModules } from './plugins/plugin-loader';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's x-request-id when it is sane, else makes one. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  return id;
}

/**
 * Builds the whole app, migrated and initialised but not listening: used by main, tests and
 * benchmarks. `channelRoots`: folders of channel plugins that exist only for tests (test/fixtures).
 */
export async function createApp(config: AppConfig, options: { channelRoots?: string[] } = {}): Promise<NestFastifyApplication> {
  switchOffIdleAsyncStorage();
  // Plugins check their options first: a configuration problem stops start-up before the database is touched.
  const pluginModules = await loadPluginModules(config, { channelRoots: options.channelRoots });
  const generated = applyGeneratedSecrets(config);
  await migrateDatabase(config);
  const routes = new RouteTable();
  const filter = new GlobalExceptionFilter(routes);
  const logger = createRootLogger(config);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: requestId,
    // Routes that take base64 images raise their own (see registerMultipart).
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: config.trustProxy,
    forceCloseConnections: 'idle',
    // Requests that still arrive on open connections while draining are served, not refused.
    return503OnClosing: false,
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = filter.toResponse(urlError(err), req);
      void reply.header('x-request-id', req.id).status(status).send(body);
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  registerJsonBodies(fastify);
  registerRawBodies(fastify);
  await fastify.register(fastifyCookie);
  await registerMultipart(fastify, Math.max(...Object.values(config.plans.plans).map((plan) => plan.maxSourceBytes)));

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, pluginModules), adapter, { logger: new PinoNestLogger(logger), bodyParser: false });
  if (generated.length) {
    new NestLogger('Config').warn(`${generated.join(' and ')} not set: using keys generated in ${config.dataDir}/secrets.json. Fine for one machine; set real ones before running several nodes.`);
  }
  app.useGlobalFilters(filter);
  app.useGlobalPipes(createValidationPipe());

  const metrics = app.get(Metrics);
  // Callback hooks, not async ones: they run on every request and each promise costs.
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done(nulInUrl(req.url));
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply, done) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  await registerApiReference(fastify);
  await registerConsoleFiles(fastify);

  await app.init();
  app.get(ApiDocs).set(buildOpenApiDocument(app, config.publicUrl));
  return app;
}
