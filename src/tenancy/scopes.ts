/** Every scope an API key, client token or role can carry. The one place scopes are defined. */
export const ALL_SCOPES = [
  'images:generate',
  'images:edit',
  'images:read',
  'videos:generate',
  'studio:process',
  'jobs:read',
  'jobs:cancel',
  'credits:read',
  'library:read',
  'library:write',
  'channels:read',
  'channels:write',
  'channels:publish',
  'providers:read',
  'providers:write',
  'keys:read',
  'keys:write',
  'webhooks:write',
  'org:admin',
] as const;

export type Scope = (typeof ALL_SCOPES)[number];

/** Publishable keys may ship in a browser: they read only what they themselves created. */
export const PUBLISHABLE_SCOPES: Scope[] = ['jobs:read', 'images:read'];

/** Scopes a client token may carry: never administration of keys, members, providers or webhooks. */
export const CLIENT_TOKEN_SCOPES: Scope[] = [
  'images:generate', 'images:edit', 'images:read', 'videos:generate', 'studio:process', 'jobs:read', 'jobs:cancel',
  'credits:read', 'library:read', 'channels:read',
];

export const isScope = (s: string): s is Scope => (ALL_SCOPES as readonly string[]).includes(s);
