import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { CreditsModule } from './credits/credits.module';
import { DatabaseModule } from './database/database.module';
import { DocsModule } from './docs/docs.module';
import { MailModule } from './mail/mail.module';
import { OpsModule } from './ops/ops.module';
import { OrgsModule } from './orgs/orgs.module';
import { PluginsModule } from './plugins/plugins.module';
import { ProvidersModule } from './providers/providers.module';
import { ImagesModule } from './images/images.module';
import { VideosModule } from './videos/videos.module';
import { JobsModule } from './jobs/jobs.module';
import { LibraryModule } from './library/library.module';
import { StudioModule } from './studio/operations/studio.module';
import { ChannelsModule } from './channels/channels.module';
import { MarketplacesModule } from './studio/marketplaces/marketplaces.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, pluginModules: (Type | DynamicModule)[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        MailModule,
        OpsModule,
        DocsModule,
        ConsoleModule,
        AuditModule,
        OrgsModule,
        CreditsModule,
        AuthModule,
        PluginsModule.forRoot(pluginModules),
        LibraryModule,
        ProvidersModule,
        JobsModule.forRoot(config),
        ImagesModule,
        VideosModule,
        WebhooksModule,
        MarketplacesModule.forRoot(config),
        StudioModule,
        ChannelsModule,
      ],
    };
  }
}
