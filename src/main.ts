import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { exitOnConfigError, loadConfig } from './config/load-config';
import { settlePublicUrl } from './config/public-url';
import { Readiness } from './ops/readiness';
import { runWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // PROCESS_ROLE=worker runs no HTTP server, whichever entry point started it.
  if (config.processRole === 'worker') return runWorker(config);
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Darkroom');
  const { port } = app.getHttpServer().address() as { port: number };
  const publicUrlWarning = settlePublicUrl(config, port);
  logger.log(`listening on http://localhost:${port} (API under /api/v1, reference at /docs)`);
  if (publicUrlWarning) logger.warn(publicUrlWarning);

  const shutdown = async (signal: string) => {
    logger.log(`${signal}: finishing requests in flight, then stopping`);
    app.get(Readiness).draining = true;
    setTimeout(() => {
      logger.error(`still busy after ${config.shutdownTimeoutSeconds} s; exiting anyway`);
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    // Stop taking requests and finish those in flight before Nest runs its destroy hooks, which
    // would otherwise close Redis and the database under them. Keep-alive connections that go idle
    // once their last response is out are closed as they do, so clients cannot hold shutdown open.
    const server = app.getHttpServer();
    const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
    await app.getHttpAdapter().getInstance().close();
    clearInterval(closeIdle);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch(exitOnConfigError);
