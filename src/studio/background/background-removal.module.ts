import { Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { BackgroundRemoval } from './background-removal';
import { SegmentationModel } from './model/segmentation-model';

/** Background removal, with one segmentation model per process (loaded on first use, STUDIO_MODEL_CONCURRENCY inferences at once). */
@Module({
  providers: [
    { provide: SegmentationModel, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SegmentationModel({ concurrency: config.studio.modelConcurrency }) },
    BackgroundRemoval,
  ],
  exports: [BackgroundRemoval, SegmentationModel],
})
export class BackgroundRemovalModule implements OnModuleDestroy {
  constructor(private readonly model: SegmentationModel) {}

  onModuleDestroy(): Promise<void> {
    return this.model.close();
  }
}
