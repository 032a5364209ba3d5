import { Injectable } from '@nestjs/common';
import { readableEndUser } from '../tenancy/end-user';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { FileStore } from '../storage/file-store';
import type { Image } from './image.entity';
import { ImagesRepository } from './images.repository';

export interface GalleryImage {
  id: string;
  jobId: string;
  url: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  prompt: string;
  style: string | null;
  provider: string;
  model: string;
  seed: number;
  test?: boolean;
  createdAt: string;
}

/** The gallery: an organisation's images, newest first. Publishable keys see only those of the end user named by x-user-id. */
@Injectable()
export class ImagesService {
  constructor(private readonly images: ImagesRepository, private readonly files: FileStore) {}

  async list(auth: RequestAuth, query: { limit?: number; cursor?: string; test?: 'true' | 'false' }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const test = query.test === undefined ? undefined : query.test === 'true';
    const { rows, total } = await this.images.page(orgIdOf(auth), { after: decodeCursor(query.cursor), limit: limit + 1, endUserId: readableEndUser(auth), test });
    return { ...toPage(rows, limit, (i) => this.map(i)), total };
  }

  async get(auth: RequestAuth, id: string): Promise<GalleryImage> {
    return this.map(await this.require(auth, id));
  }

  /** Removes the image and its stored file; its job keeps its record. */
  async delete(auth: RequestAuth, id: string): Promise<void> {
    const image = await this.require(auth, id);
    await this.images.remove(image);
    await this.files.delete(image.storageKey);
  }

  /** The bytes behind a signed link. */
  async download(token: string): Promise<{ image: Image; data: Buffer; expiresAt: Date }> {
    const link = this.files.verifyLink(token);
    if (link === 'expired') throw new AppError('expired', 'This download link has expired; fetch the image or job again for a new one');
    const image = link ? await this.images.getById(link.fileId) : null;
    const data = image ? await this.files.get(image.storageKey) : null;
    if (!image || !data) throw AppError.notFound('File');
    return { image, data, expiresAt: link!.expiresAt };
  }

  private async require(auth: RequestAuth, id: string): Promise<Image> {
    const image = await this.images.getInOrg(orgIdOf(auth), id, readableEndUser(auth));
    if (!image) throw AppError.notFound('Image');
    return image;
  }

  private map(i: Image): GalleryImage {
    return {
      id: i.id, jobId: i.jobId, url: this.files.link(i.id).url, width: i.width, height: i.height, format: i.format, bytes: i.bytes,
      prompt: i.prompt, style: i.style, provider: i.provider, model: i.model, seed: i.seed, ...(i.test ? { test: true } : {}), createdAt: i.createdAt.toISOString(),
    };
  }
}
