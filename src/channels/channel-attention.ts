import { Injectable, Logger } from '@nestjs/common';
import { newId } from '../common/ids';
import { WebhookPublisher } from '../webhooks/webhook-publisher';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';

/**
 * A connection that stopped working (credentials refused, the app uninstalled) is marked
 * needs_attention with why, and the organisation's endpoints hear `channel.needs_attention` when it
 * turns so, not on every failure after.
 */
@Injectable()
export class ChannelAttention {
  private readonly logger = new Logger(ChannelAttention.name);

  constructor(private readonly connections: ChannelConnectionsRepository, private readonly publisher: WebhookPublisher) {}

  async mark(record: ChannelConnectionRecord, lastError: string): Promise<void> {
    if (!(await this.connections.markNeedsAttention(record.orgId, record.id, lastError))) return;
    const data = { connectionId: record.id, channel: record.channel, name: record.name, lastError };
    // The connection is marked either way: an event that cannot be written must not hide why the call failed.
    await this.publisher.publish(record.orgId, { id: `evt_${newId()}`, type: 'channel.needs_attention', data }).catch((err: unknown) => {
      this.logger.warn({ err, connectionId: record.id }, 'channel.needs_attention could not be published');
    });
  }
}
