// The layering of src/ and plugins/, checked by `npm run lint:layers` (scripts/check-layers.mjs) and
// in CI. docs/architecture.md describes the same order; change both together.

/**
 * The folders from the ground floor up. A folder may import its own files and those of the folders
 * below it, never those above: an upward import is a violation unless it is a named exception
 * below. Folders on one line of docs/architecture.md's layout share no imports, so their order among
 * themselves only records where they sit.
 */
const LAYERS = [
  { name: 'common', path: ['^src/common/(?!net/)', '^src/types/'] },
  { name: 'config', path: '^src/config/' },
  // The prepared-statement runner of the job and credit hot paths, and the partial indexes' SQL the
  // entities declare: every module's repositories and entities may use them.
  { name: 'database/sql', path: '^src/database/(prepared-sql|partial-index)' },
  // The outbound HTTP client reads the URL policy (ALLOW_PRIVATE_URLS) from the configuration.
  { name: 'common/net', path: '^src/common/net/' },
  { name: 'tenancy', path: '^src/tenancy/' },
  { name: 'docs', path: '^src/docs/' },
  // The web console's files, served at /console: it reads the configuration, the errors and the access decorators.
  { name: 'console', path: '^src/console/' },
  { name: 'audit', path: '^src/audit/' },
  { name: 'mail', path: '^src/mail/' },
  { name: 'storage', path: '^src/storage/' },
  { name: 'ops', path: '^src/ops/' },
  { name: 'plugins', path: '^src/plugins/' },
  { name: 'throttling', path: '^src/throttling/' },
  { name: 'credits', path: '^src/credits/' },
  { name: 'jobs', path: '^src/jobs/' },
  { name: 'auth', path: '^src/auth/' },
  { name: 'orgs', path: '^src/orgs/' },
  { name: 'webhooks', path: '^src/webhooks/' },
  // The asset library sits below providers/ and images/, so library-first routing and generation can ask its matcher.
  { name: 'library', path: '^src/library/' },
  { name: 'providers', path: '^src/providers/' },
  { name: 'images', path: '^src/images/' },
  // Video generation: its first frames come from the gallery and URLs as edits' sources do.
  { name: 'videos', path: '^src/videos/' },
  // The studio: marketplace rule packs, and the image operations that check and fix against them.
  { name: 'studio', path: '^src/studio/' },
  // Store connections, catalogue sync and publishing through the channel plugins.
  { name: 'channels', path: '^src/channels/' },
  // database/ lists every entity and migration, so it sits above every domain.
  { name: 'database', path: '^src/database/(?!prepared-sql|partial-index)' },
  { name: 'app', path: '^src/[^/]+\\.ts$' },
];

/** A unit test may import what it checks against (error-codes.spec.ts reads the settings table). */
const SPEC = '\\.spec\\.ts$';

/**
 * Upward imports that are there on purpose or not yet removed, each group with its reason. The
 * check fails on an entry that no longer matches an import, so remove it when its import goes.
 */
const EXCEPTIONS = [
  {
    why: 'The rate limiter does not count a request that replays a completed Idempotency-Key (IdempotentReplays); the keys live in jobs/, which sits above throttling/ because jobs reserve credits and credits read daily usage. Idempotency keys in a folder of their own below throttling/ would remove these two.',
    imports: [
      ['src/throttling/plan-throttle.ts', 'src/jobs/idempotent-replays.ts'],
      ['src/throttling/throttling.module.ts', 'src/jobs/idempotency.module.ts'],
    ],
  },
];

const upwardRuleOf = (layer) => `upward-from-${layer.name}`;
const layerOf = (file) => LAYERS.find((layer) => [layer.path].flat().some((re) => new RegExp(re).test(file)));

module.exports = {
  forbidden: [
    {
      name: 'plugins-use-only-the-sdk',
      comment: 'A plugin imports nothing from src/ but the plugin SDK (src/plugins), so the core can change behind it; the test-only plugins under test/fixtures/plugins too.',
      severity: 'error',
      from: { path: '^(test/fixtures/)?plugins/' },
      to: { path: '^src/', pathNot: '^src/plugins/' },
    },
    {
      name: 'core-loads-plugins-by-path',
      comment: 'The core loads plugins by path from the configured ids (plugin-loader.ts) and never imports one.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles between files. A type-only import is erased at compile time, so a circle through one changes no load order.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: upwardRuleOf(layer),
      comment: `${layer.name} sits below ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}.`,
      severity: 'error',
      from: { path: layer.path, pathNot: SPEC },
      to: { path: LAYERS.slice(i + 1).flatMap((l) => l.path) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: they tie a folder to another's definitions as much as any import.
    tsPreCompilationDeps: true,
    knownViolations: EXCEPTIONS.flatMap(({ imports }) =>
      imports.map(([from, to]) => ({ type: 'dependency', from, to, rule: { name: upwardRuleOf(layerOf(from)), severity: 'error' } })),
    ),
  },
};

// For scripts/check-layers.mjs, which reports by folder; not enumerable, so dependency-cruiser's
// schema (no other keys) does not see them.
Object.defineProperties(module.exports, { LAYERS: { value: LAYERS }, EXCEPTIONS: { value: EXCEPTIONS }, layerOf: { value: layerOf } });
