import { describe, expect, it } from 'vitest';
import { generateApiKeySecret, parseApiKeySecret } from './api-key-secret';

describe('api key secrets', () => {
  it('round-trips every type and shows a prefix that is part of the secret', () => {
    for (const type of ['live', 'test', 'publishable'] as const) {
      const { secret, prefix } = generateApiKeySecret(type);
      expect(parseApiKeySecret(secret)).toBe(type);
      expect(secret.startsWith(prefix)).toBe(true);
      expect(prefix).toMatch(/^drk_(live|test|pub)_[0-9A-Za-z]{6}$/);
    }
  });

  it('refuses a secret with one character changed (checksum)', () => {
    const { secret } = generateApiKeySecret('live');
    const i = 12;
    const swapped = secret.slice(0, i) + (secret[i] === 'a' ? 'b' : 'a') + secret.slice(i + 1);
    expect(parseApiKeySecret(swapped)).toBeNull();
  });

  it('refuses malformed secrets', () => {
    expect(parseApiKeySecret('drk_live_short_00000000')).toBeNull();
    expect(parseApiKeySecret('sk-something')).toBeNull();
    expect(parseApiKeySecret('')).toBeNull();
  });

  it('makes distinct secrets', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateApiKeySecret('live').secret));
    expect(seen.size).toBe(200);
  });
});
