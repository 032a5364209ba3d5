import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

/** A CONFIG_DIR whose default.yaml adds `yaml` to the shipped one. */
function configWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-providers-'));
  writeFileSync(join(dir, 'default.yaml'), yaml);
  writeFileSync(join(dir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8'));
  return dir;
}

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('plugins.providers', () => {
  it('reads the short form, PROVIDER_PLUGINS, as ids that are their own plugin, with no options', () => {
    expect(loadConfig({ CONFIG_DIR: 'config' }).plugins.providers).toEqual([{ id: 'aura', use: 'aura', enabled: true, options: {}, credentials: null }]);
    expect(loadConfig({ CONFIG_DIR: 'config', PROVIDER_PLUGINS: 'aura, Other' }).plugins.providers.map((p) => [p.id, p.use])).toEqual([['aura', 'aura'], ['other', 'other']]);
  });

  it('lets one plugin back several ids, each with its options, and reads credentials from the environment', () => {
    const dir = configWith(`
plugins:
  providers:
    - aura
    - id: local-llm
      use: openai
      options: { baseUrl: "http://10.0.0.5:8000/v1" }
      credentials: { apiKey: "\${LOCAL_KEY}" }
    - { id: openai-eu, use: openai, enabled: false, credentials: { apiKey: sk-plain } }
`);
    expect(loadConfig({ CONFIG_DIR: dir, LOCAL_KEY: 'sk-local' }).plugins.providers).toEqual([
      { id: 'aura', use: 'aura', enabled: true, options: {}, credentials: null },
      { id: 'local-llm', use: 'openai', enabled: true, options: { baseUrl: 'http://10.0.0.5:8000/v1' }, credentials: { apiKey: 'sk-local' } },
      { id: 'openai-eu', use: 'openai', enabled: false, options: {}, credentials: { apiKey: 'sk-plain' } },
    ]);
  });

  it('names every bad entry at once, beside the other settings', () => {
    const dir = configWith(`
plugins:
  providers:
    - id: Bad_Id
    - { id: two, use: ../up, enabled: maybe, options: [1], colour: red }
    - { id: three, credentials: { apiKey: "\${MISSING_KEY}", n: 3 } }
    - three
    - 42
`);
    expect(problemsOf({ CONFIG_DIR: dir, PORT: 'eighty' })).toEqual([
      'PORT (port) must be a whole number, got "eighty"',
      'plugins.providers[0].id must be lower-case letters, digits and dashes (at most 32), got "Bad_Id"',
      'plugins.providers[1] has an unknown key "colour" (it takes id, use, enabled, options, credentials)',
      'plugins.providers[1].use must name a plugin folder (lower-case letters, digits and dashes), got "../up"',
      'plugins.providers[1].enabled must be true or false',
      'plugins.providers[1].options must be a mapping',
      'plugins.providers[2].credentials.apiKey reads the environment variable MISSING_KEY, which is not set',
      'plugins.providers[2].credentials.n must be a string',
      'plugins.providers[3]: the id "three" is configured twice',
      'plugins.providers[4] must be an id or a mapping with id, use, enabled, options, credentials',
    ]);
  });
});

describe("a provider plugin's platform settings (OPENAI_API_KEY, OPENAI_BASE_URL, ...)", () => {
  it('give the id named after the plugin its key and base URL, unless its entry gives its own, and no other id', () => {
    const env = { CONFIG_DIR: 'config', PROVIDER_PLUGINS: 'aura,openai,replicate', OPENAI_API_KEY: 'sk-platform', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', REPLICATE_API_TOKEN: 'r8_token' };
    const byId = Object.fromEntries(loadConfig(env).plugins.providers.map((p) => [p.id, p]));
    expect(byId.openai).toMatchObject({ credentials: { apiKey: 'sk-platform' }, options: { baseUrl: 'http://127.0.0.1:9/v1' } });
    expect(byId.replicate).toMatchObject({ credentials: { apiToken: 'r8_token' }, options: {} });
    expect(byId.aura).toMatchObject({ credentials: null, options: {} });

    const dir = configWith(`
plugins:
  providers:
    - id: openai
      options: { baseUrl: "http://10.0.0.5:8000/v1" }
      credentials: { apiKey: own-key }
    - { id: openai-eu, use: openai }
`);
    const own = Object.fromEntries(loadConfig({ ...env, CONFIG_DIR: dir, PROVIDER_PLUGINS: undefined }).plugins.providers.map((p) => [p.id, p]));
    expect(own.openai).toMatchObject({ credentials: { apiKey: 'own-key' }, options: { baseUrl: 'http://10.0.0.5:8000/v1' } });
    expect(own['openai-eu']).toMatchObject({ credentials: null, options: {} });
  });

  it('leaves an id without a key when the setting is empty, and refuses a base URL that is not one', () => {
    expect(loadConfig({ CONFIG_DIR: 'config', PROVIDER_PLUGINS: 'openai', OPENAI_API_KEY: '' }).plugins.providers[0]).toMatchObject({ credentials: null, options: {} });
    expect(problemsOf({ CONFIG_DIR: 'config', PROVIDER_PLUGINS: 'openai', OPENAI_BASE_URL: 'not a url' }).join('\n')).toMatch(/OPENAI_BASE_URL/);
  });
});
