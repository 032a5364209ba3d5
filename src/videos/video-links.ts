import { Injectable } from '@nestjs/common';
import { FileStore, type FileLink } from '../storage/file-store';
import type { Video } from './video.entity';

export const VIDEO_FILES_ROUTE = '/api/v1/videos/files';
const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'video/webm': 'webm', 'image/webp': 'webp' };

/** Signed, expiring download links of videos, served by GET /api/v1/videos/files/:token; ending with the file's type where it has a usual one. */
@Injectable()
export class VideoLinks {
  constructor(private readonly files: FileStore) {}

  link(video: Video): FileLink {
    return this.files.linkUnder(VIDEO_FILES_ROUTE, video.id, undefined, EXTENSIONS[video.mimeType]);
  }
}
