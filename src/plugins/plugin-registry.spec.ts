import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../config/app-config';
import type { ProviderInstanceConfig } from '../config/provider-instances';
import { CHANNEL_CLASSES } from './channel-loader';
import { loadPluginModules } from './plugin-loader';
import { PluginRegistry } from './plugin-registry';
import { loadProviderPlugins, PROVIDER_INSTANCES, type LoadedProvider } from './provider-loader';
import type { ProviderModel } from './provider-models';
import { PROVIDER_SDK_VERSION, ProviderPlugin, providerMetadataOf, type ProviderPluginClass } from './provider-plugin';

const model = (operations: ProviderModel['operations']): ProviderModel => ({
  id: 'm', name: 'm', description: 'fake', operations, sizes: ['64x64'], formats: ['png'], maxImagesPerCall: 1, seed: true, price: (q) => q.n,
});

/** In-memory plugins: the registry only needs decorated classes and their options. */
@ProviderPlugin({ id: 'fake', sdkVersion: PROVIDER_SDK_VERSION, name: 'Fake', description: 'fake', models: [model(['generate', 'edit'])], byok: false })
class Fake {
  constructor(readonly options: Record<string, unknown>) {}
  generate = async () => [];
  edit = async () => [];
}

/** Its models are configuration: each id lists the ones its options name. */
@ProviderPlugin({ id: 'configured', sdkVersion: PROVIDER_SDK_VERSION, name: 'Configured', description: 'fake', models: [model(['generate'])], byok: false })
class Configured {
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options.models as string[] | undefined) ?? ['m']).map((id) => ({ ...model(['generate']), id }));
  }

  generate = async () => [];
}

/** Declares edit and upscale but implements generate and edit. */
@ProviderPlugin({ id: 'lopsided', sdkVersion: 2, name: 'Lopsided', description: 'fake', models: [model(['edit', 'upscale'])], byok: false })
class Lopsided {
  generate = async () => [];
  edit = async () => [];
}

const instance = (id: string, plugin: ProviderPluginClass, options: Record<string, unknown> = {}): LoadedProvider => ({
  config: { id, use: providerMetadataOf(plugin)!.id, enabled: true, options, credentials: null },
  plugin,
  metadata: providerMetadataOf(plugin)!,
});

async function registry(instances: LoadedProvider[]) {
  const moduleRef = await Test.createTestingModule({
    providers: [PluginRegistry, { provide: APP_CONFIG, useValue: { plugins: { providers: [], channels: [] } } }, { provide: PROVIDER_INSTANCES, useValue: instances }, { provide: CHANNEL_CLASSES, useValue: [] }],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(PluginRegistry);
}

const entry = (id: string, more: Partial<ProviderInstanceConfig> = {}): ProviderInstanceConfig => ({ id, use: id, enabled: true, options: {}, credentials: null, ...more });
const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'plugins', 'providers');

describe('PluginRegistry', () => {
  it('makes one instance per configured id, each with its own options', async () => {
    const r = await registry([instance('fake', Fake, { baseUrl: 'http://10.0.0.5:8080/v1' }), instance('fake-eu', Fake, { region: 'eu' })]);
    expect(r.listProviders().map((p) => [p.id, p.use])).toEqual([['fake', 'fake'], ['fake-eu', 'fake']]);
    expect((r.provider('fake-eu')?.plugin as Fake).options).toEqual({ region: 'eu' });
    expect(r.provider('fake')?.trustedOrigin).toBe('http://10.0.0.5:8080');
    expect(r.provider('nope')).toBeUndefined();
  });

  it('names every way a plugin and its declared operations disagree, at once', async () => {
    const failure = registry([instance('lopsided', Lopsided)]);
    await expect(failure).rejects.toThrow(/built for SDK version 2; this core speaks version 1/);
    await expect(failure).rejects.toThrow(/declares the operation "upscale" but has no upscale\(\) method/);
    await expect(failure).rejects.toThrow(/has a generate\(\) method, but no model declares the operation "generate"/);
  });

  it("lists each id's own models when the plugin takes them from its options", async () => {
    const r = await registry([instance('configured', Configured, { models: ['a', 'b'] }), instance('configured-eu', Configured), instance('fake', Fake)]);
    expect(r.provider('configured')?.metadata.models.map((m) => m.id)).toEqual(['a', 'b']);
    expect(r.provider('configured-eu')?.metadata.models.map((m) => m.id)).toEqual(['m']);
    expect(r.provider('fake')?.metadata.models.map((m) => m.id)).toEqual(['m']);
  });

  it('refuses two ids that are the same', async () => {
    await expect(registry([instance('fake', Fake), instance('fake', Fake)])).rejects.toThrow(/two plugins share the id "fake"/);
  });
});

describe('loadPluginModules', () => {
  it('loads the configured plugin folders by path', async () => {
    const modules = await loadPluginModules({ plugins: { providers: [entry('aura')], channels: [] }, channels: {} });
    // One module hands the registry the provider instances, one the channel classes.
    expect(modules).toHaveLength(2);
  });

  it('names every configured id without a folder', async () => {
    await expect(loadPluginModules({ plugins: { providers: [entry('aura'), entry('nope')], channels: ['../etc'] }, channels: {} })).rejects.toThrow(
      /PROVIDER_PLUGINS names "nope"[\s\S]*CHANNEL_PLUGINS names "\.\.\/etc"/,
    );
  });
});

describe('loadProviderPlugins', () => {
  const load = async (instances: ProviderInstanceConfig[]) => {
    const problems: string[] = [];
    const module = await loadProviderPlugins(FIXTURES, instances, problems);
    return { problems, loaded: (module.providers as { useValue: LoadedProvider[] }[])[0].useValue };
  };

  it("hands each id its plugin class and options, when they pass the plugin's own checks", async () => {
    const { problems, loaded } = await load([entry('echo', { options: { baseUrl: 'http://127.0.0.1:9' }, credentials: { apiKey: 'k-123' } }), entry('echo-b', { use: 'echo', options: { baseUrl: 'http://127.0.0.1:10' } })]);
    expect(problems).toEqual([]);
    expect(loaded.map((l) => [l.config.id, l.metadata.id])).toEqual([['echo', 'echo'], ['echo-b', 'echo']]);
  });

  it('names every bad option and credential, and a plugin whose id is not its folder', async () => {
    const { problems } = await load([
      entry('echo', { options: { baseUrl: 'not a url', colour: 'red' }, credentials: { apiKey: 'k' } }),
      entry('misnamed'),
    ]);
    expect(problems).toEqual([
      'plugins.providers "echo" (echo) options: colour is not a field this plugin takes',
      'plugins.providers "echo" (echo) options: baseUrl must be a URL address',
      'plugins.providers "echo" (echo) credentials: apiKey must be longer than or equal to 4 characters',
      `plugins/providers/misnamed holds the plugin "other-name": a plugin's id must be its folder's name`,
    ]);
  });
});
