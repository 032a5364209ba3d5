import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SegmentationModel } from './model/segmentation-model';

/** The segmentation model, one per process (loaded on first use, STUDIO_MODEL_CONCURRENCY inferences at once), which the studio's worker threads ask for masks. */
@Module({
  providers: [
    { provide: SegmentationModel, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SegmentationModel({ concurrency: config.studio.modelConcurrency }) },
  ],
  exports: [SegmentationModel],
})
export class BackgroundRemovalModule implements OnApplicationShutdown {
  constructor(private readonly model: SegmentationModel) {}

  /** After every module's onModuleDestroy: the queue lets its running jobs finish there, with the model. */
  onApplicationShutdown(): Promise<void> {
    return this.model.close();
  }
}
