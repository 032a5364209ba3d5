import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { AppConfig } from './app-config';
import { parsePlans } from './plans';
import { SETTINGS, type Setting } from './settings';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readYaml(file: string, problems: string[], required: boolean): unknown {
  if (!existsSync(file)) {
    if (required) problems.push(`${file} not found (set CONFIG_DIR to the folder holding default.yaml and plans.yaml)`);
    return {};
  }
  try {
    return parse(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    problems.push(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

/** Parses one value, from YAML (typed) or the environment (string); returns an error text or the value. */
function parseSetting(s: Setting, value: unknown): { value?: unknown; error?: string } {
  const name = `${s.env} (${s.path})`;
  switch (s.kind) {
    case 'int': {
      const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value).trim()) ? Number(value) : NaN;
      if (!Number.isInteger(n)) return { error: `${name} must be a whole number, got "${value}"` };
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
        return { error: `${name} must be between ${s.min} and ${s.max}, got ${n}` };
      }
      return { value: n };
    }
    case 'bool': {
      if (typeof value === 'boolean') return { value };
      const v = String(value).trim().toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return { value: true };
      if (['false', '0', 'no', ''].includes(v)) return { value: false };
      return { error: `${name} must be true or false, got "${value}"` };
    }
    case 'list': {
      const items = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
      return { value: items.map((i) => i.trim().toLowerCase()).filter(Boolean) };
    }
    case 'url': {
      const v = String(value ?? '').trim();
      if (!v) return { value: '' };
      try {
        const u = new URL(v);
        if (s.schemes && !s.schemes.includes(u.protocol)) {
          return { error: `${name} must start with ${s.schemes.map((x) => x.replace(':', '://')).join(' or ')}, got "${u.protocol}//..."` };
        }
        return { value: v };
      } catch {
        return { error: `${name} is not a valid URL` };
      }
    }
    case 'logLevel': {
      const v = String(value).trim().toLowerCase();
      return LOG_LEVELS.includes(v) ? { value: v } : { error: `${name} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"` };
    }
    default:
      return { value: value === undefined || value === null ? '' : String(value) };
  }
}

/**
 * Reads CONFIG_DIR/default.yaml and plans.yaml, applies environment overrides and validates the lot,
 * throwing one ConfigError that names every bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const configDir = resolve(env.CONFIG_DIR || 'config');
  const yaml = readYaml(resolve(configDir, 'default.yaml'), problems, true);
  const out: Record<string, unknown> = { configDir };
  for (const s of SETTINGS) {
    const raw = env[s.env] !== undefined ? env[s.env] : getPath(yaml, s.path);
    if (raw === undefined) {
      problems.push(`${s.path} is missing from default.yaml (or set ${s.env})`);
      continue;
    }
    const parsed = parseSetting(s, raw);
    if (parsed.error) problems.push(parsed.error);
    else setPath(out, s.path, parsed.value);
  }
  const plans = parsePlans(readYaml(resolve(configDir, 'plans.yaml'), problems, true), problems);
  if (problems.length) throw new ConfigError(problems);
  out.dataDir = resolve(out.dataDir as string);
  out.plans = plans;
  return out as unknown as AppConfig;
}
