import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FileRetentionTask } from '../storage/file-retention';
import { FileStore } from '../storage/file-store';
import type { Image } from './image.entity';
import { ImagesRepository } from './images.repository';

/** Purges gallery images past IMAGE_RETENTION_DAYS, rows and files. */
@Injectable()
export class RetentionTask extends FileRetentionTask<Image> {
  constructor(images: ImagesRepository, files: FileStore, @Inject(APP_CONFIG) config: AppConfig) {
    super('image(s)', images, files, config);
  }
}
