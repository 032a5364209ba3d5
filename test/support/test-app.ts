import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { OutboxMail } from '../../src/mail/outbox-mail.entity';

/** `DARKROOM_TEST_DATABASE=postgres` runs the same suites on PostgreSQL (a fresh database per suite). */
const onPostgres = process.env.DARKROOM_TEST_DATABASE === 'postgres';
const pgAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => TestAgent;
  /** Mail queued for an address, newest first. */
  mailTo(email: string): Promise<OutboxMail[]>;
  close(): Promise<void>;
}

/** A new, empty PostgreSQL database, and how to drop it. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `darkroom_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestAppOptions {
  /** A plans.yaml to use instead of config/plans.yaml (in a CONFIG_DIR of its own). */
  plansYaml?: string;
  /** Share another test app's data folder and database, as a second node would. */
  sharedWith?: TestApp;
  /** Folders of channel plugins that exist only for tests, e.g. test/fixtures/plugins/channels (toy). */
  channelRoots?: string[];
}

function configDirWith(plansYaml: string, dataDir: string): string {
  const dir = join(dataDir, 'config');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plans.yaml'), plansYaml);
  return dir;
}

/** The real app on a fresh SQLite file (or PostgreSQL database), as `npm start` builds it. */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.sharedWith?.config;
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'darkroom-test-'));
  const pg = onPostgres && !shared ? await freshPostgres() : null;
  const cleanUp = async () => {
    await pg?.drop();
    if (!shared) rmSync(dataDir, { recursive: true, force: true });
  };
  let config: AppConfig;
  let app: NestFastifyApplication;
  try {
    config = loadConfig({
      ...process.env,
      CONFIG_DIR: options.plansYaml ? configDirWith(options.plansYaml, dataDir) : 'config',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PUBLIC_REQUESTS_PER_MINUTE: '10000',
      LOGIN_ATTEMPTS_PER_ADDRESS: '10000',
      // Suites make a provider fail case after case: a circuit one case opens must not outlast it.
      PROVIDER_BREAKER_COOLDOWN_SECONDS: '1',
      DATABASE_URL: shared?.databaseUrl ?? pg?.url ?? '',
      ...(onPostgres ? {} : { REDIS_URL: '' }),
      // Suites run in parallel against one Redis: each app (and the nodes sharing it) counts apart.
      RATE_LIMIT_KEY_PREFIX: shared?.throttle.redisKeyPrefix ?? `test-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      ...env,
    });
    app = await createApp(config, { channelRoots: options.channelRoots });
  } catch (err) {
    await cleanUp();
    throw err;
  }
  await app.getHttpAdapter().getInstance().ready();
  const em = app.get(EntityManager);
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    mailTo: (email) => em.fork().find(OutboxMail, { to: email }, { orderBy: { createdAt: 'desc' } }),
    close: async () => {
      await app.close();
      await cleanUp();
    },
  };
}

/** The shipped plans with the free plan's 5 work requests a minute raised, for suites that create a lot of work. */
export const plansWithMoreWork = (): string => readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 5', 'workPerMinute: 100');

/** plansWithMoreWork with channels on the free plan too, for the channel suites' new organisations. */
export const plansWithChannels = (): string => plansWithMoreWork().replace('channels: false, library: true }', 'channels: true, library: true }');
