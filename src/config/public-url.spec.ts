import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';
import { isLoopbackHost, settlePublicUrl } from './public-url';

describe('PUBLIC_URL', () => {
  it('defaults to localhost on the configured port, not 3000 whatever PORT is', () => {
    expect(loadConfig({ CONFIG_DIR: 'config', PORT: '3917' })).toMatchObject({ publicUrl: 'http://localhost:3917', publicUrlFollowsPort: true });
    expect(loadConfig({ CONFIG_DIR: 'config' })).toMatchObject({ publicUrl: 'http://localhost:3000', publicUrlFollowsPort: true });
  });

  it('is taken as given when set, whatever PORT is', () => {
    expect(loadConfig({ CONFIG_DIR: 'config', PORT: '3917', PUBLIC_URL: 'https://images.example.com' })).toMatchObject({ publicUrl: 'https://images.example.com', publicUrlFollowsPort: false });
  });

  it('refuses a path, which links would silently drop', () => {
    expect(() => loadConfig({ CONFIG_DIR: 'config', PUBLIC_URL: 'https://example.com/darkroom' })).toThrow(/PUBLIC_URL .* without a path/);
    expect(loadConfig({ CONFIG_DIR: 'config', PUBLIC_URL: 'https://example.com/' }).publicUrl).toBe('https://example.com/');
  });

  it('follows the port the server got once it listens (PORT=0 picks one), unless set', () => {
    const picked = loadConfig({ CONFIG_DIR: 'config', PORT: '0', HOST: '127.0.0.1' });
    expect(settlePublicUrl(picked, 41234)).toBeNull();
    expect(picked.publicUrl).toBe('http://localhost:41234');
    const set = loadConfig({ CONFIG_DIR: 'config', PORT: '0', PUBLIC_URL: 'https://images.example.com' });
    expect(settlePublicUrl(set, 41234)).toBeNull();
    expect(set.publicUrl).toBe('https://images.example.com');
  });

  it('warns when unset while the server listens beyond loopback', () => {
    const open = loadConfig({ CONFIG_DIR: 'config', PORT: '3917', HOST: '0.0.0.0' });
    expect(settlePublicUrl(open, 3917)).toMatch(/PUBLIC_URL is not set.*http:\/\/localhost:3917.*0\.0\.0\.0/);
    expect(settlePublicUrl(loadConfig({ CONFIG_DIR: 'config', HOST: '::' }), 3000)).toMatch(/PUBLIC_URL is not set/);
    expect(settlePublicUrl(loadConfig({ CONFIG_DIR: 'config', HOST: '0.0.0.0', PUBLIC_URL: 'https://images.example.com' }), 3000)).toBeNull();
  });

  it('tells loopback binds from the others', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'darkroom.internal', '']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
