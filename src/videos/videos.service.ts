import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { readableEndUser } from '../tenancy/end-user';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { FileStore } from '../storage/file-store';
import type { Video } from './video.entity';
import { VideoLinks } from './video-links';
import type { VideoDto } from './videos.dto';
import { VideosRepository } from './videos.repository';

/** Reading videos: one with a fresh link, and the download a signed link stands for. Publishable keys see only their end user's. */
@Injectable()
export class VideosService {
  constructor(private readonly videos: VideosRepository, private readonly files: FileStore, private readonly links: VideoLinks) {}

  async get(auth: RequestAuth, id: string): Promise<VideoDto> {
    const video = await this.videos.getInOrg(orgIdOf(auth), id, readableEndUser(auth));
    if (!video) throw AppError.notFound('Video');
    return {
      id: video.id, jobId: video.jobId, url: this.links.link(video).url, mimeType: video.mimeType, width: video.width, height: video.height,
      durationSeconds: video.durationSeconds, bytes: video.bytes, prompt: video.prompt, provider: video.provider, model: video.model,
      ...(video.test ? { test: true } : {}), createdAt: video.createdAt.toISOString(),
    };
  }

  /** The video a link names and its bytes as they are decrypted: never whole in memory. */
  async download(token: string): Promise<{ video: Video; stream: AsyncIterable<Buffer>; expiresAt: Date }> {
    const link = this.files.verifyLink(token);
    if (link === 'expired') throw new AppError('expired', 'This download link has expired; fetch the video or job again for a new one');
    const video = link ? await this.videos.getById(link.fileId) : null;
    const stream = video ? await this.files.getStream(video.storageKey) : null;
    if (!video || !stream) throw AppError.notFound('File');
    return { video, stream, expiresAt: link!.expiresAt };
  }
}
