import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

function configDir(defaultYaml?: string, plansYaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-config-'));
  writeFileSync(join(dir, 'default.yaml'), defaultYaml ?? readFileSync('config/default.yaml', 'utf8'));
  writeFileSync(join(dir, 'plans.yaml'), plansYaml ?? readFileSync('config/plans.yaml', 'utf8'));
  return dir;
}

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('runs embedded with no environment at all', () => {
    const config = loadConfig({ CONFIG_DIR: 'config' });
    expect(config).toMatchObject({ port: 3000, databaseUrl: '', redisUrl: '', adminEmails: [], allowPrivateUrls: false, dataDir: resolve('data') });
    expect(config.plans.defaultPlan).toBe('free');
    expect(config.plans.plans.free).toMatchObject({ startingCredits: 100, dailyImages: 100, workPerMinute: 5, maxWidth: 1024, maxConcurrentJobs: 2 });
    expect(config.plans.plans.enterprise.dailyImages).toBeNull();
  });

  it('lets the environment override the file, with the documented names', () => {
    const config = loadConfig({
      CONFIG_DIR: 'config', PORT: '8080', DATA_DIR: '/tmp/dr', DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379',
      ADMIN_EMAILS: 'Ops@Example.com, root@example.com', ALLOW_PRIVATE_URLS: 'true',
    });
    expect(config).toMatchObject({ port: 8080, dataDir: '/tmp/dr', databaseUrl: 'postgres://u@h/db', redisUrl: 'redis://h:6379', adminEmails: ['ops@example.com', 'root@example.com'], allowPrivateUrls: true });
  });

  it('names every bad setting at once', () => {
    const found = problems({ CONFIG_DIR: 'config', PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'not a url', ALLOW_PRIVATE_URLS: 'maybe', LOG_LEVEL: 'loud' });
    expect(found).toHaveLength(5);
    expect(found.join('\n')).toMatch(/PORT .* whole number/);
    expect(found.join('\n')).toMatch(/DATABASE_URL .* postgres:\/\//);
    expect(found.join('\n')).toMatch(/REDIS_URL/);
    expect(found.join('\n')).toMatch(/ALLOW_PRIVATE_URLS/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL/);
  });

  it('reads the webhook retry schedule as whole seconds', () => {
    expect(loadConfig({ CONFIG_DIR: 'config', WEBHOOK_RETRY_SCHEDULE: '0, 5,60' }).webhooks.retrySchedule).toEqual([0, 5, 60]);
    expect(loadConfig({ CONFIG_DIR: 'config' }).webhooks.retrySchedule).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    for (const bad of ['', '5,soon', '-1', '999999']) {
      expect(problems({ CONFIG_DIR: 'config', WEBHOOK_RETRY_SCHEDULE: bad })).toEqual([expect.stringMatching(/WEBHOOK_RETRY_SCHEDULE .* whole numbers/)]);
    }
  });

  it('takes the queue driver and process role from their lists, and bullmq only with Redis', () => {
    expect(loadConfig({ CONFIG_DIR: 'config' })).toMatchObject({ processRole: 'all', jobs: { queueDriver: 'embedded', queuePrefix: 'darkroom' } });
    expect(loadConfig({ CONFIG_DIR: 'config', QUEUE_DRIVER: 'BullMQ', REDIS_URL: 'redis://h:6379', PROCESS_ROLE: 'worker' })).toMatchObject({ processRole: 'worker', jobs: { queueDriver: 'bullmq' } });
    expect(problems({ CONFIG_DIR: 'config', QUEUE_DRIVER: 'bullmq' })).toEqual([expect.stringMatching(/QUEUE_DRIVER .* bullmq, which needs REDIS_URL/)]);
    expect(problems({ CONFIG_DIR: 'config', QUEUE_DRIVER: 'kafka', PROCESS_ROLE: 'cron' })).toEqual([
      expect.stringMatching(/PROCESS_ROLE .* one of all, api, worker, got "cron"/),
      expect.stringMatching(/QUEUE_DRIVER .* one of embedded, bullmq, got "kafka"/),
    ]);
  });

  it('checks ranges', () => {
    expect(problems({ CONFIG_DIR: 'config', PORT: '70000' })).toEqual([expect.stringMatching(/PORT .* between 0 and 65535/)]);
  });

  it('reads the library match threshold as a fraction above 0 and at most 1', () => {
    expect(loadConfig({ CONFIG_DIR: 'config' }).library).toEqual({ matchThreshold: 0.8, price: 1 });
    expect(loadConfig({ CONFIG_DIR: 'config', LIBRARY_MATCH_THRESHOLD: '1', LIBRARY_PRICE: '0' }).library).toEqual({ matchThreshold: 1, price: 0 });
    expect(loadConfig({ CONFIG_DIR: 'config', LIBRARY_MATCH_THRESHOLD: '.65' }).library.matchThreshold).toBe(0.65);
    for (const bad of ['0', '1.5', '-0.5', 'most', '']) {
      expect(problems({ CONFIG_DIR: 'config', LIBRARY_MATCH_THRESHOLD: bad })).toEqual([expect.stringMatching(/LIBRARY_MATCH_THRESHOLD .* above 0 and at most 1/)]);
    }
  });

  it('validates plans.yaml and the default plan', () => {
    const dir = configDir(undefined, 'defaultPlan: gold\nplans:\n  free:\n    workPerMinute: 0\n    readsPerMinute: 10\n    maxWidth: 1\n    maxHeight: 1\n    startingCredits: 1\n    dailyImages: 1\n    features: {}\n');
    const found = problems({ CONFIG_DIR: dir });
    expect(found.join('\n')).toMatch(/defaultPlan "gold"/);
    expect(found.join('\n')).toMatch(/plans\.free\.workPerMinute/);
    expect(found.join('\n')).toMatch(/plans\.free\.maxConcurrentJobs/);
    expect(found.join('\n')).toMatch(/plans\.free\.features\.webhooks/);
  });

  it('says where the config folder is expected when it is missing', () => {
    expect(problems({ CONFIG_DIR: '/nonexistent/darkroom' })[0]).toMatch(/CONFIG_DIR/);
  });

  it('reports malformed YAML', () => {
    const dir = configDir('port: [unclosed\n');
    expect(problems({ CONFIG_DIR: dir })[0]).toMatch(/not valid YAML/);
  });
});
