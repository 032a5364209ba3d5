/**
 * What the engine asks of webhooks/ when a request names a webhookUrl: check the URL and make sure
 * the organisation has a default secret to sign the job's event with (`newSecret` when it was made
 * just now, to show once). webhooks/ sits above jobs/ and provides it (WebhooksService).
 */
export abstract class JobWebhookTargets {
  abstract prepareJobWebhook(orgId: string, url: string): Promise<{ url: string; newSecret: string | null }>;
}
