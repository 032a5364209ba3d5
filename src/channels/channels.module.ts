import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { OrgsModule } from '../orgs/orgs.module';
import { ChannelCalls } from './channel-calls';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import { ChannelConnectionsService } from './channel-connections.service';
import { ChannelProductsRepository } from './channel-products.repository';
import { ChannelSync } from './channel-sync';
import { ChannelPublishing } from './channel-publishing';
import { ChannelPublishesRepository } from './channel-publishes.repository';
import { ChannelPublishGate } from './channel-publish-gate';
import { ImagesModule } from '../images/images.module';
import { JobEventsModule } from '../jobs/job-events.module';
import { StorageModule } from '../storage/storage.module';
import { ChannelsController } from './channels.controller';
import { ChannelRulePacks } from './channel-rule-packs';
import { ChannelAttention } from './channel-attention';
import { ChannelWebhooksController } from './channel-webhooks.controller';
import { ChannelWebhooksService } from './channel-webhooks.service';
import { ChannelScan } from './channel-scan';
import { StudioModule } from '../studio/operations/studio.module';
import { ChannelBulkFix } from './channel-bulk-fix';
import { ListingsController } from './listings.controller';
import { ListingsService } from './listings.service';

/** Store connections and their synced catalogues, through the configured channel plugins (the plugin registry and the job engine are global). */
@Module({
  imports: [OrgsModule, NetModule, ImagesModule, StorageModule, JobEventsModule, StudioModule],
  controllers: [ChannelsController, ListingsController, ChannelWebhooksController],
  providers: [ChannelConnectionsService, ChannelConnectionsRepository, ChannelProductsRepository, ChannelCalls, ChannelSync, ChannelPublishing, ChannelPublishGate, ChannelPublishesRepository, ChannelRulePacks, ChannelScan, ChannelBulkFix, ListingsService, ChannelAttention, ChannelWebhooksService],
})
export class ChannelsModule {}
