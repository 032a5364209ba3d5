import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { AppConfig } from './app-config';
import { parsePlans } from './plans';
import { parseProviderInstances, withPlatformSettings } from './provider-instances';
import { localPublicUrl } from './public-url';
import { SETTINGS, type Setting } from './settings';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** How a process started from the command line stops on a ConfigError (the settings, or plugin options found when loading plugins): its problems, no stack. */
export function exitOnConfigError(err: unknown): never {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readYaml(file: string, problems: string[]): unknown {
  if (!existsSync(file)) {
    problems.push(`${file} not found`);
    return {};
  }
  try {
    return parse(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    problems.push(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

/** The folder holding package.json: the shipped config/ is found from here in src/ and dist/ alike. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
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
function parseSetting(s: Setting, value: unknown, env: NodeJS.ProcessEnv): { value?: unknown; error?: string | string[] } {
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
    case 'fraction': {
      const n = typeof value === 'number' ? value : /^\d*\.?\d+$/.test(String(value).trim()) ? Number(value) : NaN;
      return n > 0 && n <= 1 ? { value: n } : { error: `${name} must be a number above 0 and at most 1, got "${value}"` };
    }
    case 'bool': {
      if (typeof value === 'boolean') return { value };
      const v = String(value).trim().toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return { value: true };
      if (['false', '0', 'no', ''].includes(v)) return { value: false };
      return { error: `${name} must be true or false, got "${value}"` };
    }
    case 'intList': {
      const items = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(',')).map((i) => i.trim()).filter(Boolean);
      const bad = items.find((i) => !/^\d+$/.test(i) || Number(i) < (s.min ?? 0) || Number(i) > (s.max ?? Number.MAX_SAFE_INTEGER));
      if (bad !== undefined || !items.length) return { error: `${name} must be a comma-separated list of whole numbers between ${s.min} and ${s.max}, got "${value}"` };
      return { value: items.map(Number) };
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
    case 'choice': {
      const v = String(value ?? '').trim().toLowerCase();
      return s.choices?.includes(v) ? { value: v } : { error: `${name} must be one of ${s.choices?.join(', ')}, got "${value}"` };
    }
    case 'providerInstances': {
      const parsed = parseProviderInstances(value, env);
      return parsed.errors ? { error: parsed.errors } : { value: parsed.value };
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
 * Reads the shipped config/default.yaml, then CONFIG_DIR/default.yaml over it (so an operator's file
 * only needs the keys it changes), then the environment; plans come from CONFIG_DIR/plans.yaml when
 * present, else the shipped one. Validates the lot, throwing one ConfigError naming every bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const shipped = join(packageRoot(), 'config');
  const configDir = resolve(env.CONFIG_DIR || shipped);
  if (!existsSync(configDir)) problems.push(`CONFIG_DIR ${configDir} does not exist`);
  const own = (file: string) => (configDir !== shipped && existsSync(join(configDir, file)) ? join(configDir, file) : null);
  const base = readYaml(join(shipped, 'default.yaml'), problems);
  const ownDefaults = own('default.yaml');
  const yaml = ownDefaults ? deepMerge(base, readYaml(ownDefaults, problems)) : base;
  const out: Record<string, unknown> = { configDir };
  for (const s of SETTINGS) {
    const raw = env[s.env] !== undefined ? env[s.env] : getPath(yaml, s.path);
    if (raw === undefined) {
      problems.push(`${s.path} is missing from default.yaml (or set ${s.env})`);
      continue;
    }
    const parsed = parseSetting(s, raw, env);
    if (parsed.error) problems.push(...[parsed.error].flat());
    else setPath(out, s.path, parsed.value);
  }
  const storage = out.storage as { driver?: string; s3?: { bucket?: string } } | undefined;
  if (storage?.driver && !['local', 's3'].includes(storage.driver)) problems.push(`STORAGE_DRIVER (storage.driver) must be local or s3, got "${storage.driver}"`);
  if (storage?.driver === 's3' && !storage.s3?.bucket) problems.push('S3_BUCKET (storage.s3.bucket) is required when STORAGE_DRIVER is s3');
  const publicUrl = out.publicUrl ? new URL(out.publicUrl as string) : null;
  if (publicUrl && (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash)) {
    problems.push(`PUBLIC_URL (publicUrl) must be an origin such as https://images.example.com, without a path: links are built from its scheme, host and port, got "${out.publicUrl}"`);
  }
  const jobs = out.jobs as { queueDriver?: string } | undefined;
  if (jobs?.queueDriver === 'bullmq' && !out.redisUrl) problems.push('QUEUE_DRIVER (jobs.queueDriver) is bullmq, which needs REDIS_URL (redisUrl): set it, or use the embedded driver');
  const plans = parsePlans(readYaml(own('plans.yaml') ?? join(shipped, 'plans.yaml'), problems), problems);
  if (problems.length) throw new ConfigError(problems);
  out.dataDir = resolve(out.dataDir as string);
  const consoleSettings = out.console as AppConfig['console'];
  consoleSettings.dir = resolve(packageRoot(), consoleSettings.dir);
  out.publicUrlFollowsPort = !out.publicUrl;
  if (!out.publicUrl) out.publicUrl = localPublicUrl(out.port as number);
  out.plans = plans;
  const plugins = out.plugins as AppConfig['plugins'];
  plugins.providers = withPlatformSettings(plugins.providers, out.providers as AppConfig['providers']);
  return out as unknown as AppConfig;
}
