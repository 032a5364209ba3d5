import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../config/app-config';
import { CHANNEL_CLASSES, loadChannelPlugins, type LoadedChannel } from './channel-loader';
import { loadPluginModules } from './plugin-loader';
import { PluginRegistry } from './plugin-registry';
import { PROVIDER_INSTANCES } from './provider-loader';

/** Channel plugins that exist only for tests: never in plugins/, so only a test's extra root finds them. */
const TEST_CHANNELS = join(__dirname, '..', '..', 'test', 'fixtures', 'plugins', 'channels');
const config = (channels: string[]) => ({ plugins: { providers: [], channels }, channels: {} });

async function load(ids: string[], roots = [TEST_CHANNELS], settings: Record<string, Record<string, string>> = {}) {
  const problems: string[] = [];
  const module = await loadChannelPlugins(roots, ids, settings, problems);
  return { problems, loaded: (module.providers as { useValue: LoadedChannel[] }[])[0].useValue };
}

async function registry(channels: LoadedChannel[]) {
  const moduleRef = await Test.createTestingModule({
    providers: [PluginRegistry, { provide: APP_CONFIG, useValue: config(channels.map((c) => c.metadata.id)) }, { provide: PROVIDER_INSTANCES, useValue: [] }, { provide: CHANNEL_CLASSES, useValue: channels }],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(PluginRegistry);
}

describe('loadChannelPlugins', () => {
  it("gives a plugin its settings as options, the empty ones left out, and names the ones it refuses", async () => {
    const given = await load(['toy'], [TEST_CHANNELS], { toy: { clientId: 'app', clientSecret: 'secret', baseUrl: '' } });
    expect(given.problems).toEqual([]);
    expect(given.loaded[0].options).toEqual({ clientId: 'app', clientSecret: 'secret' });
    expect((await load(['toy'], [TEST_CHANNELS], { toy: { colour: 'red' } })).problems).toEqual([expect.stringMatching(/^channel plugin "toy" options: /)]);
  });

  it('finds a test-only plugin in a root a test adds, and nowhere else', async () => {
    expect((await load(['toy'])).loaded.map((l) => l.metadata.id)).toEqual(['toy']);
    expect((await load(['toy'], [join(__dirname, '..', '..', 'plugins', 'channels')])).problems).toEqual(['CHANNEL_PLUGINS names "toy", but there is no plugins/channels/toy']);
    await expect(loadPluginModules(config(['toy']))).rejects.toThrow(/CHANNEL_PLUGINS names "toy"/);
    await expect(loadPluginModules(config(['toy']), { channelRoots: [TEST_CHANNELS] })).resolves.toHaveLength(2);
  });

  it('refuses a plugin whose id is not its folder, and an id that is no folder name', async () => {
    expect((await load(['misnamed', '../toy'])).problems).toEqual([
      `plugins/channels/misnamed holds the plugin "other-name": a plugin's id must be its folder's name`,
      'CHANNEL_PLUGINS names "../toy", but there is no plugins/channels/../toy',
    ]);
  });
});

describe('PluginRegistry, channels', () => {
  it('makes the channel plugin from its class and keys it by id', async () => {
    const r = await registry((await load(['toy'])).loaded);
    expect(r.listChannels().map((c) => c.metadata.id)).toEqual(['toy']);
    expect(typeof r.channel('toy')?.plugin.listProducts).toBe('function');
  });

  it('refuses a channel plugin whose metadata and methods disagree', async () => {
    const [toy] = (await load(['toy'])).loaded;
    class Broken {}
    await expect(registry([{ ...toy, plugin: Broken as never }])).rejects.toThrow(/channel plugin "toy" has no connect\(\) method[\s\S]*declares webhook events but has no parseWebhook\(\) method/);
  });
});
