import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../config/app-config';
import { loadPluginModules } from './plugin-loader';
import { PluginRegistry } from './plugin-registry';
import { ProviderPlugin, type ProviderPluginMetadata } from './provider-plugin';

const meta = (id: string): ProviderPluginMetadata => ({
  id, name: id, description: 'fake', operations: ['generate', 'edit'], models: [], sizes: ['64x64'], styles: [], formats: ['png'], pricing: { generate: 1 }, byok: false,
});

/** In-memory stand-ins: the registry only needs decorated classes. */
@ProviderPlugin(meta('one'))
class FakeOne {
  generate = async () => [];
  edit = async () => [];
  health = async () => ({ ok: true });
}
@ProviderPlugin(meta('one'))
class FakeOneAgain extends FakeOne {}
@ProviderPlugin(meta('two'))
class FakeTwo extends FakeOne {}

async function registry(providers: unknown[], configured: string[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [PluginRegistry, { provide: APP_CONFIG, useValue: { plugins: { providers: configured, channels: [] } } }, ...(providers as never[])],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(PluginRegistry);
}

describe('PluginRegistry', () => {
  it('finds decorated providers and keys them by id', async () => {
    const r = await registry([FakeOne, FakeTwo], ['one']);
    expect(r.listProviders().map((p) => p.metadata.id).sort()).toEqual(['one', 'two']);
    expect(r.provider('two')?.plugin).toBeInstanceOf(FakeTwo);
    expect(r.provider('nope')).toBeUndefined();
  });

  it('refuses two plugins with one id', async () => {
    await expect(registry([FakeOne, FakeOneAgain], [])).rejects.toThrow(/two plugins share the id "one"/);
  });

  it('refuses a configured id that no plugin has', async () => {
    await expect(registry([FakeOne], ['one', 'missing'])).rejects.toThrow(/"missing" is configured/);
  });
});

describe('loadPluginModules', () => {
  it('loads the configured plugin folders by path', async () => {
    const modules = await loadPluginModules({ plugins: { providers: ['aura'], channels: [] } });
    expect(modules).toHaveLength(1);
  });

  it('names every configured id without a folder', async () => {
    await expect(loadPluginModules({ plugins: { providers: ['aura', 'nope'], channels: ['../etc'] } })).rejects.toThrow(/PROVIDER_PLUGINS names "nope"[\s\S]*CHANNEL_PLUGINS names "\.\.\/etc"/);
  });
});
