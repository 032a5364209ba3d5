import { afterAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/app-config';
import { FixedWindowStorage } from '../../throttling/fixed-window.storage';
import { LoginThrottle } from './login-throttle';

const config = (encryptionKey = 'a'.repeat(64)) =>
  ({ encryptionKey, auth: { loginAttemptsPerAccount: 3, loginAttemptsPerAddress: 100, loginWindowSeconds: 60 } }) as AppConfig;

describe('LoginThrottle', () => {
  const storage = new FixedWindowStorage();
  afterAll(() => storage.onModuleDestroy());

  it('names an account by a keyed hash of its address, the same on every node sharing ENCRYPTION_KEY', () => {
    const key = new LoginThrottle(storage, config()).accountKey('ada@example.com');
    expect(key).toMatch(/^login:account:[0-9a-f]{64}$/);
    expect(key).not.toContain('ada');
    expect(new LoginThrottle(storage, config()).accountKey('ada@example.com')).toBe(key);
    expect(new LoginThrottle(storage, config()).accountKey('bob@example.com')).not.toBe(key);
    expect(new LoginThrottle(storage, config('b'.repeat(64))).accountKey('ada@example.com')).not.toBe(key);
  });

  it('refuses past the limit, and a success clears what was counted', async () => {
    const throttle = new LoginThrottle(storage, config());
    const attempt = () => throttle.countAttempt('carol@example.com', { ip: '192.0.2.1', requestId: 'req-1' });
    for (let i = 0; i < 3; i++) await attempt();
    await expect(attempt()).rejects.toMatchObject({ code: 'rate_limited' });
    await throttle.succeeded('carol@example.com', '192.0.2.1');
    for (let i = 0; i < 3; i++) await attempt();
    await expect(attempt()).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
