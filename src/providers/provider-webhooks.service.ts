import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { AppError } from '../common/errors/app-error';
import { OutboundHttp } from '../common/net/outbound-http';
import { JobsRepository } from '../jobs/jobs.repository';
import type { WebhookHeaders } from '../plugins/channel-webhooks';
import { callContext } from './call-context';
import { ProviderRouter, MAX_TARGETS } from './provider-router';
import { parseCheckpoint } from './remote-work';
import { RemoteWorkWakeups } from './remote-work-wakeups';

/** A plugin's check of a delivery may fetch its signing keys; more than this is no answer. */
const VERIFY_TIMEOUT_MS = 10_000;

const refused = (providerId: string) => new AppError('webhook_signature_invalid', `The webhook is not signed by ${providerId} for this job`);

/**
 * A slow backend's webhook for one job's remote work: checked by the provider's plugin (its
 * signature, with the key the job runs on), then only a wake-up: the node running the job polls the
 * work at once, so the poll stays the one source of truth and a replayed delivery changes nothing.
 * An unknown job, a provider that sends none, or a bad signature: the same 401, nothing changed.
 * A delivery for work the job no longer waits on (finished, or another target now) is acknowledged.
 */
@Injectable()
export class ProviderWebhooksService {
  constructor(
    private readonly router: ProviderRouter,
    private readonly jobs: JobsRepository,
    private readonly http: OutboundHttp,
    private readonly wakeups: RemoteWorkWakeups,
  ) {}

  async receive(providerId: string, jobId: string, headers: WebhookHeaders, body: Buffer): Promise<void> {
    const provider = this.router.enabled().find((p) => p.id === providerId);
    const job = provider?.plugin.verifyWebhook && isUUID(jobId) ? await this.jobs.getById(jobId) : null;
    if (!provider || !job) throw refused(providerId);
    const credentials = await this.router.credentialsFor(job.orgId, provider);
    const ctx = callContext(this.http, provider, { credentials, signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS), callId: `webhook-${job.id}`, jobId: job.id });
    const remoteIds = parseCheckpoint(job.checkpoint, MAX_TARGETS).ids.filter(Boolean);
    // A check that could not run (the signing keys out of reach) is no verdict: the provider delivers again later.
    const verified = await provider.plugin.verifyWebhook!({ headers: lowerCased(headers), body, remoteIds }, ctx).catch((err: unknown) => {
      throw new AppError('provider_unavailable', `The delivery's signature could not be checked now: ${(err as Error).message}`);
    });
    if (!verified) throw refused(providerId);
    if (job.status === 'processing' && remoteIds.includes(verified.remoteId)) await this.wakeups.delivered(job.id);
  }
}

/** Header names lower-cased, each with its first value, as the SDK promises plugins. */
function lowerCased(headers: WebhookHeaders): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value[0] : value]));
}
