import { describe, expect, it } from 'vitest';
import { AppError } from '../common/errors/app-error';
import type { PluginRegistry, RegisteredProvider } from '../plugins/plugin-registry';
import type { ProviderModel } from '../plugins/provider-models';
import { PROVIDER_SDK_VERSION } from '../plugins/provider-plugin';
import type { OrgProviderKeys } from './provider-credentials.keys';
import { ProviderRouter } from './provider-router';

const model = (id: string, more: Partial<ProviderModel> = {}): ProviderModel => ({
  id, name: id, description: id, operations: ['generate'], sizes: ['512x512'], formats: ['png'], maxImagesPerCall: 1, seed: false, price: (q) => q.n, ...more,
});
const provider = (id: string, models: ProviderModel[], enabled = true): RegisteredProvider => ({
  id, use: id, enabled, metadata: { id, sdkVersion: PROVIDER_SDK_VERSION, name: id, description: id, models, byok: false }, plugin: {}, platformCredentials: null, trustedOrigin: null,
});

/** No organisation has a key of its own here. */
const noOrgKeys = { valuesFor: () => Promise.resolve(undefined), platformFee: 1 } as unknown as OrgProviderKeys;

/** In configured order: painter first (the default), an editor, a disabled one. */
const router = () => {
  const providers = [
    provider('painter', [model('sketch', { styles: ['ink'], sizes: { minWidth: 64, maxWidth: 2048, minHeight: 64, maxHeight: 2048, multipleOf: 16 }, price: (q) => (q.width * q.height * q.n) / 1_000_000 })]),
    provider('editor', [model('fill', { operations: ['edit'] }), model('both', { operations: ['generate', 'edit'] })]),
    provider('resting', [model('nap')], false),
  ];
  return new ProviderRouter({ listProviders: () => providers, provider: (id: string) => providers.find((p) => p.id === id) } as unknown as PluginRegistry, noOrgKeys);
};
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('no error');
};

describe('ProviderRouter', () => {
  it("defaults to the first configured provider offering the operation, and to its first model that can do it", () => {
    const r = router();
    expect([r.route('generate').provider.id, r.route('generate').model.id]).toEqual(['painter', 'sketch']);
    expect([r.route('edit').provider.id, r.route('edit').model.id]).toEqual(['editor', 'fill']);
    expect(r.route('generate', 'editor').model.id).toBe('both');
  });

  it('answers invalid_model listing provider/model for an unknown, disabled or unable provider or model', () => {
    // Only the models that can do the operation asked.
    const available = ['painter/sketch', 'editor/both'];
    expect(failure(() => router().route('generate', 'dall-e-9'))).toMatchObject({ code: 'invalid_model', message: 'Unknown provider "dall-e-9"', details: { available } });
    expect(failure(() => router().route('generate', 'resting'))).toMatchObject({ code: 'invalid_model', message: 'The provider "resting" is disabled', details: { available } });
    expect(failure(() => router().route('edit', 'painter')).message).toBe('The provider "painter" cannot edit: no model of it has that capability');
    expect(failure(() => router().route('generate', 'editor', 'fill'))).toMatchObject({ code: 'invalid_model', message: 'The model "fill" of editor cannot generate' });
    expect(failure(() => router().route('generate', 'editor', 'nope'))).toMatchObject({ code: 'invalid_model', message: 'Unknown model "nope" for editor' });
  });

  it('finds a model named without its provider in the first provider offering it', () => {
    expect(router().route('generate', undefined, 'both').provider.id).toBe('editor');
    expect(failure(() => router().route('generate', undefined, 'nap'))).toMatchObject({ code: 'invalid_model', message: 'Unknown model "nap" for painter' });
  });

  it('finds a model by its id alone, as the OpenAI-compatible endpoint names it', () => {
    expect(router().routeByModel('edit', 'both').provider.id).toBe('editor');
    expect(router().routeByModel('generate').model.id).toBe('sketch');
    expect(failure(() => router().routeByModel('generate', 'nap'))).toMatchObject({ code: 'invalid_model', details: { available: ['sketch', 'both'] } });
  });

  it("checks style, format and size against the model, a size against its constraints", () => {
    const r = router();
    const route = r.route('generate');
    expect(() => r.check(route, { style: 'ink', format: 'png', width: 1024, height: 576 })).not.toThrow();
    expect(failure(() => r.check(route, { style: 'oil' }))).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'style', messages: ['style must be one of: ink'] }] } });
    expect(failure(() => r.check(route, { format: 'webp' })).details).toEqual({ fields: [{ field: 'format', messages: ['format must be one of: png'] }] });
    expect(failure(() => r.check(route, { width: 1000, height: 1000 }))).toMatchObject({
      code: 'invalid_model', details: { fields: [{ field: 'size', messages: ['size must be from 64x64 to 2048x2048, multiples of 16'] }], sizes: { minWidth: 64, maxWidth: 2048, multipleOf: 16 } },
    });
    expect(failure(() => r.check(r.route('edit'), { style: 'ink' })).message).toBe('editor/fill takes no style');
  });

  it('quotes whole credits of at least 1, as the model prices the request', () => {
    const r = router();
    const route = r.route('generate');
    expect(r.quote(route, { operation: 'generate', n: 1, width: 512, height: 512, format: 'png' })).toBe(1);
    expect(r.quote(route, { operation: 'generate', n: 4, width: 2048, height: 2048, format: 'png' })).toBe(17);
  });
});

describe('ProviderRouter and the platform key', () => {
  class Credentials {}
  const keyed = (id: string, platformCredentials: Record<string, string> | null): RegisteredProvider => ({
    ...provider(id, [model(`${id}-model`), model('shared')]),
    metadata: { ...provider(id, []).metadata, models: [model(`${id}-model`), model('shared')], credentials: Credentials, byok: true },
    platformCredentials,
  });
  const providers = [keyed('mine-only', null), keyed('platform', { apiKey: 'sk-platform' })];
  const r = new ProviderRouter({ listProviders: () => providers, provider: (id: string) => providers.find((p) => p.id === id) } as unknown as PluginRegistry, noOrgKeys);

  it('makes no provider without a platform key the default, but routes to it when named', () => {
    expect(r.route('generate').provider.id).toBe('platform');
    expect(r.route('generate', 'mine-only').provider.id).toBe('mine-only');
    expect(r.routeByModel('generate').provider.id).toBe('platform');
    // A model both offer goes to the one with a platform key; one only the other offers, to it.
    expect(r.routeByModel('generate', 'shared').provider.id).toBe('platform');
    expect(r.routeByModel('generate', 'mine-only-model').provider.id).toBe('mine-only');
  });

  it('says why there is no default when no provider has a platform key', () => {
    const lone = [keyed('mine-only', null)];
    const bare = new ProviderRouter({ listProviders: () => lone, provider: (id: string) => lone.find((p) => p.id === id) } as unknown as PluginRegistry, noOrgKeys);
    expect(failure(() => bare.route('generate')).message).toMatch(/with a key of the platform: name one your organisation has its own key for/);
  });
});
