import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('providers', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    user = await signUp(t);
  });
  afterAll(() => t.close());

  it('lists the built-in aura provider with what it can do and what it costs', async () => {
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'p', scopes: ['providers:read'] });
    const res = await t.http().get('/api/v1/providers').set(bearer(key.secret)).expect(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: 'aura',
        operations: ['generate', 'edit', 'video'],
        models: [expect.objectContaining({ id: 'aura' }), expect.objectContaining({ id: 'aura-motion', operations: ['video'], sizes: ['512x512', '768x432', '432x768'] })],
        styles: expect.arrayContaining(['realistic', 'anime', 'digital-art', 'oil-painting', 'watercolor', '3d-render', 'pixel', 'sketch', 'cartoon', 'cinematic']),
        formats: ['png', 'jpeg', 'webp', 'avif'],
        sizes: expect.arrayContaining(['256x256', '512x512', '1024x1024', '1024x768', '768x1024']),
        pricing: { generate: 1, edit: 1, video: 2 },
        byok: false,
        status: 'healthy',
      }),
    ]);
    expect(res.body.data[0].description).toMatch(/not a neural model/);
  });

  it('needs providers:read', async () => {
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'np', scopes: ['credits:read'] });
    const res = await t.http().get('/api/v1/providers').set(bearer(key.secret)).expect(403);
    expect(res.body.error.requiredScope).toBe('providers:read');
  });

  it('refuses to start with a provider plugin that does not exist', async () => {
    await expect(startTestApp({ PROVIDER_PLUGINS: 'aura,dall-e-9' })).rejects.toThrow(/PROVIDER_PLUGINS names "dall-e-9"/);
  });
});
