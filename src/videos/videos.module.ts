import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { ImagesModule } from '../images/images.module';
import { OrgsModule } from '../orgs/orgs.module';
import { ProvidersModule } from '../providers/providers.module';
import { StorageModule } from '../storage/storage.module';
import { VideoFiles } from './video-files';
import { VideoGenerateHandler } from './video-generate.handler';
import { VideoGenerationService } from './video-generation.service';
import { VideoLinks } from './video-links';
import { VideoOutputs } from './video-outputs';
import { VideoRetentionTask } from './video-retention.task';
import { VideosController } from './videos.controller';
import { VideosRepository } from './videos.repository';
import { VideosService } from './videos.service';

/** Video generation (the videos.generate operation, its handler and outputs, through the global JobsModule), videos and their downloads. */
@Module({
  imports: [OrgsModule, NetModule, StorageModule, ProvidersModule, ImagesModule],
  controllers: [VideosController],
  providers: [VideoGenerationService, VideoGenerateHandler, VideoOutputs, VideoFiles, VideoLinks, VideosRepository, VideosService, VideoRetentionTask],
})
export class VideosModule {}
