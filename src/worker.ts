import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { applyGeneratedSecrets } from './config/generated-secrets';
import { exitOnConfigError, loadConfig } from './config/load-config';
import { switchOffIdleAsyncStorage } from './common/idle-async-storage';
import { createRootLogger, PinoNestLogger } from './common/logging';
import { migrateDatabase } from './database/migrate';
import { loadPluginModules } from './plugins/plugin-loader';

/** The whole app without an HTTP server: what a worker process runs, migrated and started. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  switchOffIdleAsyncStorage();
  const modules = await loadPluginModules(config);
  const generated = applyGeneratedSecrets(config);
  await migrateDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, modules), { logger: new PinoNestLogger(createRootLogger(config)) });
  if (generated.length) new Logger('Config').warn(`${generated.join(' and ')} not set: using keys generated in ${config.dataDir}/secrets.json; every node must share the same ones.`);
  return app;
}

/** Runs jobs until SIGTERM or SIGINT, then finishes the jobs in hand (up to SHUTDOWN_TIMEOUT_SECONDS) and exits. */
export async function runWorker(config: AppConfig): Promise<void> {
  const app = await createWorkerContext(config);
  const logger = new Logger('Darkroom');
  logger.log(`worker running jobs (${config.jobs.queueDriver} queue, ${config.jobs.concurrency} at once)`);
  const shutdown = async (signal: string) => {
    logger.log(`${signal}: finishing the jobs in hand, then stopping`);
    setTimeout(() => {
      logger.error(`still busy after ${config.shutdownTimeoutSeconds} s; exiting anyway (unfinished jobs run again once their lease runs out)`);
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

if (require.main === module) {
  Promise.resolve()
    .then(() => runWorker(loadConfig({ ...process.env, PROCESS_ROLE: 'worker' })))
    .catch(exitOnConfigError);
}
