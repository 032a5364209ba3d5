import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { OrgsModule } from '../orgs/orgs.module';
import { ChannelCalls } from './channel-calls';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import { ChannelConnectionsService } from './channel-connections.service';
import { ChannelsController } from './channels.controller';

/** Store connections through the configured channel plugins (the plugin registry is global). */
@Module({
  imports: [OrgsModule, NetModule],
  controllers: [ChannelsController],
  providers: [ChannelConnectionsService, ChannelConnectionsRepository, ChannelCalls],
})
export class ChannelsModule {}
