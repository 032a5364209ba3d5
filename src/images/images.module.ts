import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { JobEventsModule } from '../jobs/job-events.module';
import { JobNotifier } from '../jobs/job-notifier';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { NetModule } from '../common/net/net.module';
import { SourceDownloader } from './source-downloader';
import { SourceCleanup } from './source-cleanup';
import { OrgsModule } from '../orgs/orgs.module';
import { AuthModule } from '../auth/auth.module';
import { IdempotencyInterceptor } from '../jobs/idempotency.interceptor';
import { IdempotencyModule } from '../jobs/idempotency.module';
import { ProvidersModule } from '../providers/providers.module';
import { StorageModule } from '../storage/storage.module';
import { FilesController } from './files.controller';
import { GenerateHandler } from './generate.handler';
import { GenerationService } from './generation.service';
import { ImagesController } from './images.controller';
import { ImagesRepository } from './images.repository';
import { ImagesService } from './images.service';
import { RetentionTask } from './retention.task';
import { OpenAiCompatController } from './openai-compat.controller';
import { OpenAiCompatService } from './openai-compat.service';

/** Generation, the gallery and downloads; their jobs run through the global JobsModule. */
@Module({
  imports: [CreditsModule, OrgsModule, AuthModule, JobEventsModule, WebhooksModule, NetModule, StorageModule, IdempotencyModule, ProvidersModule],
  controllers: [ImagesController, FilesController, OpenAiCompatController],
  providers: [
    IdempotencyInterceptor, JobNotifier, GenerationService, SourceDownloader, SourceCleanup, GenerateHandler, ImagesRepository, ImagesService, OpenAiCompatService, RetentionTask,
  ],
})
export class ImagesModule {}
