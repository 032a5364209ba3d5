import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { SecretBox } from '../common/crypto/secret-box';
import { TtlCache } from '../common/ttl-cache';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobSubmitter } from '../jobs/job-submitter';
import type { ChannelWebhookEvent, WebhookHeaders } from '../plugins/channel-webhooks';
import { PluginRegistry } from '../plugins/plugin-registry';
import { ChannelAttention } from './channel-attention';
import { ChannelCalls } from './channel-calls';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import { ChannelProductsRepository } from './channel-products.repository';
import { SYNC_JOB_TYPE } from './channel-sync';

/** Stores retry a delivery for up to two days (Shopify: 48 hours); one seen within that is not acted on again. */
const DELIVERY_MEMORY_MS = 48 * 60 * 60 * 1000;
/** The queued syncs of an organisation looked through for one of the connection. */
const QUEUED_SYNCS_SCANNED = 100;

const refused = () => new AppError('webhook_signature_invalid', "The webhook is not signed with this connection's webhook secret");

/**
 * A store's webhook to one connection: verified by the connection's plugin against the raw body and
 * the connection's secret (anything unverified, including an unknown connection, is the same 401 and
 * changes nothing), then acted on: a deleted product leaves the synced catalogue, a created or updated
 * one queues an incremental sync, an uninstalled app marks the connection needs_attention. GDPR and
 * other topics are acknowledged and dropped: Darkroom keeps no customer data. Every action is safe to
 * repeat; a delivery id this process has seen is acknowledged without acting again.
 */
@Injectable()
export class ChannelWebhooksService {
  private readonly logger = new Logger(ChannelWebhooksService.name);
  private readonly seen = new TtlCache<string, true>(DELIVERY_MEMORY_MS);

  constructor(
    private readonly registry: PluginRegistry,
    private readonly calls: ChannelCalls,
    private readonly connections: ChannelConnectionsRepository,
    private readonly products: ChannelProductsRepository,
    private readonly attention: ChannelAttention,
    private readonly jobs: JobsRepository,
    private readonly submitter: JobSubmitter,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  async receive(connectionId: string, headers: WebhookHeaders, rawBody: Buffer): Promise<void> {
    const record = await this.connections.getById(connectionId);
    const event = record ? await this.verified(record, headers, rawBody) : null;
    if (!record || !event) throw refused();
    const key = event.deliveryId === null ? null : `${record.id}:${event.deliveryId}`;
    if (key && this.seen.get(key)) return;
    await this.act(record, event);
    if (key) this.seen.set(key, true);
  }

  private async verified(record: ChannelConnectionRecord, headers: WebhookHeaders, rawBody: Buffer): Promise<ChannelWebhookEvent | null> {
    const channel = this.registry.channel(record.channel);
    if (!channel?.plugin.parseWebhook || !record.sealedWebhookSecret) return null;
    const secret = this.box.open(record.sealedWebhookSecret);
    const credentials = JSON.parse(this.box.open(record.sealedCredentials)) as object;
    return this.calls.runWith(channel, { id: record.id, orgId: record.orgId, credentials }, async (c, connection) => c.plugin.parseWebhook!(headers, rawBody, connection, secret), true);
  }

  private async act(record: ChannelConnectionRecord, event: ChannelWebhookEvent): Promise<void> {
    switch (event.event) {
      case 'product.deleted':
        await this.products.deleteByExternalId(record.orgId, record.id, event.data.productExternalId);
        return;
      case 'product.created':
      case 'product.updated':
        await this.queueSync(record);
        return;
      case 'app.uninstalled':
        await this.attention.mark(record, 'the app was uninstalled');
        return;
      default:
        this.logger.debug({ connectionId: record.id, event: event.event }, 'store webhook acknowledged and dropped');
    }
  }

  /**
   * Queues an incremental sync unless one is queued already: it has not read the store yet, so it will
   * see the change. A running one may have read past the product, so another is queued after it.
   * A disabled connection syncs nothing: the sync after it is enabled catches up.
   */
  private async queueSync(record: ChannelConnectionRecord): Promise<void> {
    if (record.status === 'disabled') return;
    const queued = await this.jobs.listInOrg(record.orgId, { type: SYNC_JOB_TYPE, status: 'queued' }, { limit: QUEUED_SYNCS_SCANNED });
    if (queued.some((job) => job.input.connectionId === record.id)) return;
    await this.submitter.submitUnattended(record.orgId, `webhook:${record.channel}`, SYNC_JOB_TYPE, { connectionId: record.id }, `sync of ${record.channel} connection ${record.name} after a store webhook`);
  }
}
