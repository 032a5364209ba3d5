/**
 * The table of settings: where each lives in config/default.yaml, which environment variable
 * overrides it, and how it is parsed. One table so docs, loading and validation cannot drift apart.
 */
export type SettingKind = 'int' | 'intList' | 'string' | 'bool' | 'list' | 'url' | 'logLevel' | 'choice' | 'providerInstances';

export interface Setting {
  path: string;
  env: string;
  kind: SettingKind;
  /** Bounds of an int, or of each item of an intList. */
  min?: number;
  max?: number;
  /** Allowed URL schemes for kind 'url'; an empty string is always allowed (feature off). */
  schemes?: string[];
  /** The allowed values of kind 'choice'. */
  choices?: string[];
}

export const SETTINGS: Setting[] = [
  { path: 'port', env: 'PORT', kind: 'int', min: 0, max: 65535 },
  { path: 'host', env: 'HOST', kind: 'string' },
  { path: 'trustProxy', env: 'TRUST_PROXY', kind: 'bool' },
  { path: 'publicUrl', env: 'PUBLIC_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'dataDir', env: 'DATA_DIR', kind: 'string' },
  { path: 'databaseUrl', env: 'DATABASE_URL', kind: 'url', schemes: ['postgres:', 'postgresql:', 'sqlite:', 'file:'] },
  { path: 'redisUrl', env: 'REDIS_URL', kind: 'url', schemes: ['redis:', 'rediss:'] },
  { path: 'adminEmails', env: 'ADMIN_EMAILS', kind: 'list' },
  { path: 'allowPrivateUrls', env: 'ALLOW_PRIVATE_URLS', kind: 'bool' },
  { path: 'encryptionKey', env: 'ENCRYPTION_KEY', kind: 'string' },
  { path: 'logLevel', env: 'LOG_LEVEL', kind: 'logLevel' },
  { path: 'shutdownTimeoutSeconds', env: 'SHUTDOWN_TIMEOUT_SECONDS', kind: 'int', min: 1, max: 600 },
  { path: 'processRole', env: 'PROCESS_ROLE', kind: 'choice', choices: ['all', 'api', 'worker'] },
  { path: 'auth.jwtSecret', env: 'JWT_SECRET', kind: 'string' },
  { path: 'auth.accessTokenTtlSeconds', env: 'ACCESS_TOKEN_TTL_SECONDS', kind: 'int', min: 30, max: 86_400 },
  { path: 'auth.refreshTokenTtlSeconds', env: 'REFRESH_TOKEN_TTL_SECONDS', kind: 'int', min: 300, max: 31_536_000 },
  { path: 'auth.credentialCacheSeconds', env: 'CREDENTIAL_CACHE_SECONDS', kind: 'int', min: 0, max: 60 },
  { path: 'auth.loginAttemptsPerAccount', env: 'LOGIN_ATTEMPTS_PER_ACCOUNT', kind: 'int', min: 1, max: 1000 },
  { path: 'auth.loginAttemptsPerAddress', env: 'LOGIN_ATTEMPTS_PER_ADDRESS', kind: 'int', min: 1, max: 100_000 },
  { path: 'auth.loginWindowSeconds', env: 'LOGIN_WINDOW_SECONDS', kind: 'int', min: 1, max: 86_400 },
  { path: 'auth.emailTokenTtlHours', env: 'EMAIL_TOKEN_TTL_HOURS', kind: 'int', min: 1, max: 720 },
  { path: 'auth.invitationTtlHours', env: 'INVITATION_TTL_HOURS', kind: 'int', min: 1, max: 2160 },
  { path: 'throttle.publicPerMinute', env: 'PUBLIC_REQUESTS_PER_MINUTE', kind: 'int', min: 1, max: 1_000_000 },
  { path: 'throttle.redisKeyPrefix', env: 'RATE_LIMIT_KEY_PREFIX', kind: 'string' },
  { path: 'jobs.concurrency', env: 'JOB_CONCURRENCY', kind: 'int', min: 1, max: 64 },
  { path: 'jobs.leaseSeconds', env: 'JOB_LEASE_SECONDS', kind: 'int', min: 1, max: 3600 },
  { path: 'jobs.maxAttempts', env: 'JOB_MAX_ATTEMPTS', kind: 'int', min: 1, max: 10 },
  { path: 'jobs.queueDriver', env: 'QUEUE_DRIVER', kind: 'choice', choices: ['embedded', 'bullmq'] },
  { path: 'jobs.queuePrefix', env: 'QUEUE_PREFIX', kind: 'string' },
  { path: 'openai.waitSeconds', env: 'OPENAI_WAIT_SECONDS', kind: 'int', min: 1, max: 60 },
  { path: 'byok.platformFee', env: 'BYOK_PLATFORM_FEE', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.waitSeconds', env: 'STUDIO_WAIT_SECONDS', kind: 'int', min: 1, max: 60 },
  { path: 'studio.modelConcurrency', env: 'STUDIO_MODEL_CONCURRENCY', kind: 'int', min: 1, max: 16 },
  { path: 'studio.prices.process', env: 'STUDIO_PRICE_PROCESS', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.prices.complianceFix', env: 'STUDIO_PRICE_COMPLIANCE_FIX', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.prices.backgroundsRemove', env: 'STUDIO_PRICE_BACKGROUNDS_REMOVE', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.prices.backgroundsGenerate', env: 'STUDIO_PRICE_BACKGROUNDS_GENERATE', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.prices.relightShadow', env: 'STUDIO_PRICE_RELIGHT_SHADOW', kind: 'int', min: 0, max: 1000 },
  { path: 'studio.prices.upscale', env: 'STUDIO_PRICE_UPSCALE', kind: 'int', min: 0, max: 1000 },
  { path: 'files.linkTtlSeconds', env: 'FILE_LINK_TTL_SECONDS', kind: 'int', min: 60, max: 2_592_000 },
  { path: 'files.retentionDays', env: 'IMAGE_RETENTION_DAYS', kind: 'int', min: 0, max: 36_500 },
  { path: 'storage.driver', env: 'STORAGE_DRIVER', kind: 'string' },
  { path: 'storage.s3.bucket', env: 'S3_BUCKET', kind: 'string' },
  { path: 'storage.s3.region', env: 'S3_REGION', kind: 'string' },
  { path: 'storage.s3.endpoint', env: 'S3_ENDPOINT', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'storage.s3.accessKeyId', env: 'S3_ACCESS_KEY_ID', kind: 'string' },
  { path: 'storage.s3.secretAccessKey', env: 'S3_SECRET_ACCESS_KEY', kind: 'string' },
  { path: 'storage.s3.forcePathStyle', env: 'S3_FORCE_PATH_STYLE', kind: 'bool' },
  { path: 'storage.s3.prefix', env: 'S3_PREFIX', kind: 'string' },
  { path: 'plugins.providers', env: 'PROVIDER_PLUGINS', kind: 'providerInstances' },
  { path: 'plugins.channels', env: 'CHANNEL_PLUGINS', kind: 'list' },
  { path: 'providers.openai.apiKey', env: 'OPENAI_API_KEY', kind: 'string' },
  { path: 'providers.openai.baseUrl', env: 'OPENAI_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'providers.stability.apiKey', env: 'STABILITY_API_KEY', kind: 'string' },
  { path: 'providers.stability.baseUrl', env: 'STABILITY_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'providers.replicate.apiToken', env: 'REPLICATE_API_TOKEN', kind: 'string' },
  { path: 'providers.replicate.baseUrl', env: 'REPLICATE_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'channels.shopify.clientId', env: 'SHOPIFY_CLIENT_ID', kind: 'string' },
  { path: 'channels.shopify.clientSecret', env: 'SHOPIFY_CLIENT_SECRET', kind: 'string' },
  { path: 'channels.shopify.baseUrl', env: 'SHOPIFY_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'channels.amazon.clientId', env: 'AMAZON_LWA_CLIENT_ID', kind: 'string' },
  { path: 'channels.amazon.clientSecret', env: 'AMAZON_LWA_CLIENT_SECRET', kind: 'string' },
  { path: 'channels.amazon.applicationId', env: 'AMAZON_APPLICATION_ID', kind: 'string' },
  { path: 'channels.amazon.spApiBaseUrl', env: 'AMAZON_SP_API_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'channels.amazon.lwaBaseUrl', env: 'AMAZON_LWA_BASE_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'channels.amazon.sellerCentralUrl', env: 'AMAZON_SELLER_CENTRAL_URL', kind: 'url', schemes: ['http:', 'https:'] },
  { path: 'webhooks.retrySchedule', env: 'WEBHOOK_RETRY_SCHEDULE', kind: 'intList', min: 0, max: 172_800 },
  { path: 'webhooks.timeoutSeconds', env: 'WEBHOOK_TIMEOUT_SECONDS', kind: 'int', min: 1, max: 60 },
  { path: 'webhooks.disableAfterSeconds', env: 'WEBHOOK_DISABLE_AFTER_SECONDS', kind: 'int', min: 1, max: 31_536_000 },
  { path: 'webhooks.logRetentionDays', env: 'WEBHOOK_LOG_RETENTION_DAYS', kind: 'int', min: 1, max: 3650 },
  { path: 'webhooks.creditsLowThreshold', env: 'CREDITS_LOW_THRESHOLD', kind: 'int', min: 0, max: 1_000_000_000 },
  { path: 'mail.smtpUrl', env: 'SMTP_URL', kind: 'url', schemes: ['smtp:', 'smtps:'] },
  { path: 'mail.from', env: 'MAIL_FROM', kind: 'string' },
];
