/** One configured provider id and the plugin behind it. */
export interface ProviderInstanceConfig {
  /** The id requests, jobs and images name. */
  id: string;
  /** The plugin folder implementing it: plugins/providers/<use>. */
  use: string;
  /** A disabled id stays known (its images and jobs keep naming it) but takes no new work. */
  enabled: boolean;
  /** Handed to the plugin, which checks them at start. */
  options: Record<string, unknown>;
  /** The platform's own key, by the plugin's credential fields; null when the plugin needs none or only organisations' keys are used. */
  credentials: Record<string, string> | null;
}

const ID = /^[a-z][a-z0-9-]{0,31}$/;
const KEYS = ['id', 'use', 'enabled', 'options', 'credentials'];
const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `plugins.providers`: the short form is a list of ids (PROVIDER_PLUGINS=aura,other), each its own
 * plugin folder with no options; in YAML an item may instead be `{ id, use, enabled, options,
 * credentials }`, so one plugin can back several ids. A credential written `${NAME}` is read from the
 * environment variable NAME, so keys need not sit in the file. Every problem is reported.
 */
export function parseProviderInstances(value: unknown, env: NodeJS.ProcessEnv): { value?: ProviderInstanceConfig[]; errors?: string[] } {
  const items: unknown[] = Array.isArray(value) ? value : String(value ?? '').split(',').map((i) => i.trim()).filter(Boolean);
  const errors: string[] = [];
  const instances: ProviderInstanceConfig[] = [];
  const seen = new Set<unknown>();
  for (const [index, item] of items.entries()) {
    const where = `plugins.providers[${index}]`;
    const entry = typeof item === 'string' ? { id: item.trim().toLowerCase() } : item;
    if (!isObject(entry)) {
      errors.push(`${where} must be an id or a mapping with id, use, enabled, options, credentials`);
      continue;
    }
    const problems = entryProblems(entry, where);
    if (seen.has(entry.id)) problems.push(`${where}: the id "${String(entry.id)}" is configured twice`);
    seen.add(entry.id);
    const credentials = isObject(entry.credentials) ? readCredentials(entry.credentials, where, env, problems) : null;
    errors.push(...problems);
    if (problems.length) continue;
    instances.push({ id: entry.id as string, use: (entry.use ?? entry.id) as string, enabled: entry.enabled !== false, options: (entry.options ?? {}) as Record<string, unknown>, credentials });
  }
  return errors.length ? { errors } : { value: instances };
}

function entryProblems(entry: Record<string, unknown>, where: string): string[] {
  const problems = Object.keys(entry).filter((k) => !KEYS.includes(k)).map((k) => `${where} has an unknown key "${k}" (it takes ${KEYS.join(', ')})`);
  if (typeof entry.id !== 'string' || !ID.test(entry.id)) problems.push(`${where}.id must be lower-case letters, digits and dashes (at most 32), got ${JSON.stringify(entry.id)}`);
  if (entry.use !== undefined && (typeof entry.use !== 'string' || !ID.test(entry.use))) problems.push(`${where}.use must name a plugin folder (lower-case letters, digits and dashes), got ${JSON.stringify(entry.use)}`);
  if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean') problems.push(`${where}.enabled must be true or false`);
  if (entry.options !== undefined && !isObject(entry.options)) problems.push(`${where}.options must be a mapping`);
  if (entry.credentials !== undefined && !isObject(entry.credentials)) problems.push(`${where}.credentials must be a mapping of names to strings`);
  return problems;
}

function readCredentials(raw: Record<string, unknown>, where: string, env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      problems.push(`${where}.credentials.${name} must be a string`);
      continue;
    }
    const variable = ENV_REFERENCE.exec(value)?.[1];
    if (variable && !env[variable]) problems.push(`${where}.credentials.${name} reads the environment variable ${variable}, which is not set`);
    out[name] = variable ? (env[variable] ?? '') : value;
  }
  return out;
}

/**
 * The provider id named after a plugin (`openai`, the short form's only kind) takes that plugin's
 * platform settings (OPENAI_API_KEY as its credentials, OPENAI_BASE_URL as its `baseUrl` option),
 * unless its entry gives its own. `baseUrl` is the option; every other setting is a credential field.
 * Other ids backed by the same plugin (a second region, a self-hosted server) are configured alone.
 */
export function withPlatformSettings(instances: ProviderInstanceConfig[], settings: Record<string, Record<string, string>>): ProviderInstanceConfig[] {
  return instances.map((instance) => {
    const given = Object.entries(settings[instance.use] ?? {}).filter(([, value]) => value !== '');
    if (instance.id !== instance.use || !given.length) return instance;
    const { baseUrl, ...credentials } = Object.fromEntries(given);
    return {
      ...instance,
      credentials: instance.credentials ?? (Object.keys(credentials).length ? credentials : null),
      options: baseUrl !== undefined && instance.options.baseUrl === undefined ? { ...instance.options, baseUrl } : instance.options,
    };
  });
}
