import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginRecord } from '../../src/plugins/plugin-record.entity';
import { bearer, createKey, signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR whose default.yaml (over the shipped one) sets plugins.providers to `providers`. */
function withProviders(providers: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-providers-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:\n  providers:\n${providers}`);
  return dir;
}

/** Runs an entry point to its end: its exit code and what it wrote. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], { env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const THREE_IDS = withProviders(`
    - aura
    - { id: aura-two, use: aura }
    - { id: aura-off, use: aura, enabled: false }
`);

describe('provider ids configured as instances of a plugin', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ CONFIG_DIR: THREE_IDS });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'p', scopes: ['providers:read', 'images:generate', 'images:read', 'jobs:read'] })).secret;
  });
  afterAll(() => t.close());

  const records = async (app: TestApp) =>
    (await app.app.get(EntityManager).fork().find(PluginRecord, { kind: 'provider' }, { orderBy: { id: 'asc' } })).map((r) => ({ ...r }));

  it('lists each enabled id as a provider of its own, and not the disabled one', async () => {
    const res = await t.http().get('/api/v1/providers').set(bearer(key)).expect(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual(['aura', 'aura-two']);
    expect(res.body.data[1]).toMatchObject({ name: 'Aura (built-in)', pricing: { generate: 1, edit: 1, video: 2 }, models: [{ id: 'aura', operations: ['generate', 'edit'], maxImagesPerCall: 4, seed: true }, { id: 'aura-motion', operations: ['video'] }] });
  });

  it('generates through the second id, which the images then name', async () => {
    const res = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'two', provider: 'aura-two', size: '256x256' }).expect(200);
    expect(res.body).toMatchObject({ status: 'completed', cost: 1 });
    const image = await t.http().get(`/api/v1/images/${res.body.outputs[0].id}`).set(bearer(key)).expect(200);
    expect(image.body).toMatchObject({ provider: 'aura-two', model: 'aura' });
  });

  it('refuses the disabled id with invalid_model, listing what is available', async () => {
    const res = await t.http().post('/api/v1/images/generations').set(bearer(key)).send({ prompt: 'off', provider: 'aura-off' }).expect(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_model', message: 'The provider "aura-off" is disabled', available: ['aura/aura', 'aura-two/aura'] });
  });

  it('records every id in the plugins table, and keeps the ids a later start no longer configures', async () => {
    const first = await records(t);
    expect(first.map(({ id, use, enabled }) => ({ id, use, enabled }))).toEqual([
      { id: 'aura', use: 'aura', enabled: true },
      { id: 'aura-off', use: 'aura', enabled: false },
      { id: 'aura-two', use: 'aura', enabled: true },
    ]);
    const second = await startTestApp({ CONFIG_DIR: withProviders('    - aura\n') }, { sharedWith: t });
    try {
      const later = await records(second);
      expect(later.map((r) => r.id)).toEqual(['aura', 'aura-off', 'aura-two']);
      const [aura, off] = later;
      expect(aura.firstSeenAt).toEqual(first[0].firstSeenAt);
      expect(aura.lastSeenAt.getTime()).toBeGreaterThan(first[0].lastSeenAt.getTime());
      expect(off).toEqual(first[1]);
    } finally {
      await second.close();
    }
  });

  it("stops start-up naming every bad entry and every option a plugin refuses, at once", async () => {
    const dir = withProviders(`
    - { id: aura, options: { colour: red } }
    - { id: elsewhere, use: nope }
`);
    await expect(startTestApp({ CONFIG_DIR: dir })).rejects.toThrow(
      'Invalid configuration:\n  - plugins.providers "aura" (aura) takes no options\n  - PROVIDER_PLUGINS names "nope" (for the id "elsewhere"), but there is no plugins/providers/nope',
    );
  });

  it.each(['src/main.ts', 'src/worker.ts'])('%s exits with the problems, and no stack, when a plugin refuses its options', async (entry) => {
    const dir = withProviders('    - { id: aura, options: { colour: red } }\n');
    const { code, output } = await run(entry, { CONFIG_DIR: dir, DATA_DIR: mkdtempSync(join(tmpdir(), 'darkroom-exit-')), PORT: '0', LOG_LEVEL: 'silent' });
    expect(code).toBe(1);
    expect(output.trim()).toBe('Invalid configuration:\n  - plugins.providers "aura" (aura) takes no options');
  }, 60_000);
});
