import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CreditsModule } from '../credits/credits.module';
import { JobEventsModule } from '../jobs/job-events.module';
import { JobNotifier } from '../jobs/job-notifier';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { NetModule } from '../common/net/net.module';
import { SourceDownloader } from './source-downloader';
import { SourceCleanup } from './source-cleanup';
import { JobRunner } from '../jobs/job-runner';
import { JobsController } from '../jobs/jobs.controller';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobsService } from '../jobs/jobs.service';
import { OrgsModule } from '../orgs/orgs.module';
import { AuthModule } from '../auth/auth.module';
import { IdempotencyInterceptor } from '../jobs/idempotency.interceptor';
import { IdempotencyRepository } from '../jobs/idempotency.repository';
import { FileStore } from '../storage/file-store';
import { LocalDiskStorage } from '../storage/local-disk.storage';
import { S3Storage } from '../storage/s3.storage';
import { STORAGE_DRIVER } from '../storage/storage-driver';
import { FilesController } from './files.controller';
import { GenerateHandler } from './generate.handler';
import { GenerationService } from './generation.service';
import { ImagesController } from './images.controller';
import { ImagesRepository } from './images.repository';
import { ImagesService } from './images.service';
import { RetentionTask } from './retention.task';
import { OpenAiCompatController } from './openai-compat.controller';
import { OpenAiCompatService } from './openai-compat.service';

/** Generation, the gallery and downloads, with the job queue and file storage they run on. */
@Module({
  imports: [CreditsModule, OrgsModule, AuthModule, JobEventsModule, WebhooksModule, NetModule],
  controllers: [ImagesController, JobsController, FilesController, OpenAiCompatController],
  providers: [
    { provide: STORAGE_DRIVER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.storage.driver === 's3' ? new S3Storage(config.storage.s3) : new LocalDiskStorage(config.dataDir)) },
    IdempotencyInterceptor, IdempotencyRepository, FileStore, JobRunner, JobsRepository, JobsService, JobNotifier, GenerationService, SourceDownloader, SourceCleanup, GenerateHandler, ImagesRepository, ImagesService, OpenAiCompatService, RetentionTask,
  ],
})
export class ImagesModule {}
