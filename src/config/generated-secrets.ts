import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './app-config';

interface GeneratedSecrets {
  encryptionKey: string;
  jwtSecret: string;
}

/**
 * Fills in ENCRYPTION_KEY and JWT_SECRET when they are not set, with keys generated once and kept in
 * DATA_DIR/secrets.json, so a development install works and survives restarts. Returns the names of
 * the settings it filled, for the start-up warning: nodes of a cluster must share real keys.
 */
export function applyGeneratedSecrets(config: AppConfig): string[] {
  const missing: string[] = [];
  if (!config.encryptionKey) missing.push('ENCRYPTION_KEY');
  if (!config.auth.jwtSecret) missing.push('JWT_SECRET');
  if (!missing.length) return [];
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secrets.json');
  let secrets: GeneratedSecrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
  } else {
    secrets = { encryptionKey: randomBytes(32).toString('base64'), jwtSecret: randomBytes(48).toString('base64url') };
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  config.encryptionKey ||= secrets.encryptionKey;
  config.auth.jwtSecret ||= secrets.jwtSecret;
  return missing;
}
