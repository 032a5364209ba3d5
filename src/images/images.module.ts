import { Module } from '@nestjs/common';
import { JobEventsModule } from '../jobs/job-events.module';
import { NetModule } from '../common/net/net.module';
import { SourceDownloader } from './source-downloader';
import { SourceCleanup } from './source-cleanup';
import { OrgsModule } from '../orgs/orgs.module';
import { AuthModule } from '../auth/auth.module';
import { LibraryModule } from '../library/library.module';
import { ProvidersModule } from '../providers/providers.module';
import { StorageModule } from '../storage/storage.module';
import { FilesController } from './files.controller';
import { GenerateHandler } from './generate.handler';
import { GenerationService } from './generation.service';
import { ImageOutputs } from './image-outputs';
import { ImagesController } from './images.controller';
import { ImagesRepository } from './images.repository';
import { ImagesService } from './images.service';
import { RetentionTask } from './retention.task';
import { OpenAiCompatController } from './openai-compat.controller';
import { OpenAiCompatService } from './openai-compat.service';

/** Generation, the gallery and downloads; their jobs (operations, handler, outputs) run through the global JobsModule. */
@Module({
  imports: [OrgsModule, AuthModule, JobEventsModule, NetModule, StorageModule, ProvidersModule, LibraryModule],
  controllers: [ImagesController, FilesController, OpenAiCompatController],
  providers: [
    GenerationService, SourceDownloader, SourceCleanup, GenerateHandler, ImageOutputs, ImagesRepository, ImagesService, OpenAiCompatService, RetentionTask,
  ],
  // The studio reads sources from the gallery and URLs, and shows its images as generations show theirs.
  exports: [ImagesRepository, SourceDownloader, ImageOutputs],
})
export class ImagesModule {}
