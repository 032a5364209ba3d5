import type { PlanCatalog } from './plans';
import type { ProviderInstanceConfig } from './provider-instances';

/** The validated configuration every part of the app reads. Built once at start by `loadConfig`. */
export interface AppConfig {
  port: number;
  host: string;
  trustProxy: boolean;
  /** The base of every link the server hands out (mail, job outputs, webhooks); PUBLIC_URL, else http://localhost:<port>. */
  publicUrl: string;
  /** PUBLIC_URL is unset: publicUrl follows the port the server listens on (known only after listening when PORT is 0). */
  publicUrlFollowsPort: boolean;
  configDir: string;
  dataDir: string;
  /** Empty: SQLite file inside dataDir. */
  databaseUrl: string;
  redisUrl: string;
  adminEmails: string[];
  allowPrivateUrls: boolean;
  encryptionKey: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  shutdownTimeoutSeconds: number;
  /** all: serves HTTP and runs jobs; api: serves HTTP only; worker: runs jobs only (`npm run worker`). */
  processRole: 'all' | 'api' | 'worker';
  /** The built console (`npm run build` writes dist/console), served at /console; an absolute path (relative ones are taken from the project folder). */
  console: { dir: string };
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    credentialCacheSeconds: number;
    loginAttemptsPerAccount: number;
    loginAttemptsPerAddress: number;
    loginWindowSeconds: number;
    emailTokenTtlHours: number;
    invitationTtlHours: number;
  };
  throttle: { publicPerMinute: number; redisKeyPrefix: string };
  jobs: {
    concurrency: number;
    leaseSeconds: number;
    maxAttempts: number;
    /** embedded: the job rows are the queue; bullmq: job ids travel through BullMQ on REDIS_URL. */
    queueDriver: 'embedded' | 'bullmq';
    /** Namespace of BullMQ's keys in Redis. */
    queuePrefix: string;
  };
  /** The OpenAI-compatible endpoints: how long a call waits for its job before answering without it. */
  openai: { waitSeconds: number };
  /** Organisations' own provider keys: the credits a request run on one costs (the provider bills the organisation). */
  byok: { platformFee: number };
  /**
   * The asset library: a library-first generation is answered from it when an asset's score (the
   * share of the prompt's significant words it holds) reaches matchThreshold, for `price` credits.
   */
  library: { matchThreshold: number; price: number };
  /**
   * The circuit breaker per provider and key: this many failures in a row that another provider might
   * not have (5xx, timeouts, rate limits) open it for the cooldown, after which one call tries it again.
   */
  /** `webhooks`: slow backends that can post when their work ends are given PUBLIC_URL's webhook route, and polled less often. */
  routing: { breakerFailures: number; breakerCooldownSeconds: number; webhooks: boolean };
  studio: {
    /** How long a studio route waits for its job before answering 202 with where to poll. */
    waitSeconds: number;
    /** Segmentation-model inferences one process runs at once. */
    modelConcurrency: number;
    /** Credits each operation costs; a compliance check without fix costs none. */
    prices: StudioPrices;
  };
  files: { linkTtlSeconds: number; retentionDays: number };
  storage: {
    driver: 'local' | 's3';
    s3: { bucket: string; region: string; endpoint: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean; prefix: string };
  };
  /** Provider ids in order (the first is the default provider), each with the plugin behind it; channel plugin ids. */
  plugins: { providers: ProviderInstanceConfig[]; channels: string[] };
  webhooks: {
    /** Seconds to wait before each attempt: the first is usually 0 (send at once). */
    retrySchedule: number[];
    timeoutSeconds: number;
    disableAfterSeconds: number;
    logRetentionDays: number;
    creditsLowThreshold: number;
  };
  mail: { smtpUrl: string; from: string };
  /** Each channel plugin's options, by plugin id (an empty value is not given): app keys, and base URLs that point a client at a fake. */
  channels: Record<string, Record<string, string>>;
  /**
   * The platform's key and base URL of each provider plugin, by plugin id (OPENAI_API_KEY,
   * OPENAI_BASE_URL, ...; an empty value is not given), for the provider id named after the plugin:
   * already merged into `plugins.providers` (withPlatformSettings).
   */
  providers: Record<string, Record<string, string>>;
  plans: PlanCatalog;
}

export interface StudioPrices {
  process: number;
  complianceFix: number;
  backgroundsRemove: number;
  backgroundsGenerate: number;
  relightShadow: number;
  upscale: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
