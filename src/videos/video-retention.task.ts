import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FileRetentionTask } from '../storage/file-retention';
import { FileStore } from '../storage/file-store';
import type { Video } from './video.entity';
import { VideosRepository } from './videos.repository';

/** Purges videos past IMAGE_RETENTION_DAYS, rows and files, as images are. */
@Injectable()
export class VideoRetentionTask extends FileRetentionTask<Video> {
  constructor(videos: VideosRepository, files: FileStore, @Inject(APP_CONFIG) config: AppConfig) {
    super('video(s)', videos, files, config);
  }
}
