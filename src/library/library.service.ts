import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors/app-error';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FileStore } from '../storage/file-store';
import { OrgDirectory } from '../tenancy/org-directory';
import { principalId, type RequestAuth } from '../tenancy/principal';
import { LibraryAsset } from './library-asset.entity';
import { checkAssetFile } from './library-files';
import type { LibraryAssetDto, LibraryIngestDto, LibraryPromoteDto, LibraryResultDto, LibrarySearchPageDto, LibrarySearchQueryDto } from './library.dto';
import { LibraryRepository } from './library.repository';
import { queryWords } from './library-text';

/** Pages of a search go this deep at most: past it, a narrower query serves better than paging. */
const MAX_OFFSET = 10_000;
const TITLE_LENGTH = 200;

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/** A search's cursor: the position of the next result, opaque to clients. */
const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,5})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || Number(match[1]) > MAX_OFFSET) throw invalid('cursor', 'The cursor is not one this API issued');
  return Number(match[1]);
}

/**
 * The asset library: searching the installation's assets and the organisation's own, promoting
 * gallery images into it, operators' ingest, and signed downloads. Every read is scoped: an
 * organisation sees the installation's assets and its own, never another's.
 */
@Injectable()
export class LibraryService {
  constructor(
    private readonly repo: LibraryRepository,
    private readonly files: FileStore,
    private readonly orgs: OrgDirectory,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async search(orgId: string, query: LibrarySearchQueryDto): Promise<LibrarySearchPageDto> {
    await this.assertPlanHasLibrary(orgId);
    const words = query.q === undefined ? [] : queryWords(query.q);
    if (query.q !== undefined && !words.length) throw invalid('q', 'q has no word to search for (letters or digits)');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = decodeCursor(query.cursor);
    const hits = await this.repo.search({ orgId, words, type: query.type, tags: query.tags ?? [], limit: limit + 1, offset });
    const data = hits.slice(0, limit).map(({ asset, score }): LibraryResultDto => ({ ...this.describe(asset), score }));
    return { data, nextCursor: hits.length > limit && offset + limit <= MAX_OFFSET ? encodeCursor(offset + limit) : null };
  }

  /** Copies one of the organisation's gallery images into its library: the copy outlives the gallery's retention. */
  async promote(auth: RequestAuth, orgId: string, dto: LibraryPromoteDto): Promise<LibraryAssetDto> {
    await this.assertPlanHasLibrary(orgId);
    const image = await this.repo.galleryImage(orgId, dto.imageId);
    const data = image && (await this.files.get(image.storageKey));
    if (!image || !data) throw AppError.notFound('Image');
    const asset = Object.assign(new LibraryAsset(), {
      orgId, type: 'image', title: dto.title ?? titleFrom(image.prompt), tags: dto.tags ?? [], prompt: image.prompt, licence: null,
      mimeType: `image/${image.format}`, format: image.format, width: image.width, height: image.height, bytes: data.length,
      sourceImageId: image.id, createdBy: principalId(auth.principal),
    } satisfies Partial<LibraryAsset>);
    await this.store(asset, data);
    await this.audit.record({ orgId, action: 'library.asset_added', actor: AuditService.actorOf(auth), target: { type: 'library_asset', id: asset.id }, details: { imageId: image.id } });
    return this.describe(asset);
  }

  async removeOwn(auth: RequestAuth, orgId: string, id: string): Promise<void> {
    const asset = await this.remove(orgId, id);
    await this.audit.record({ orgId, action: 'library.asset_deleted', actor: AuditService.actorOf(auth), target: { type: 'library_asset', id: asset.id } });
  }

  /** An operator adds an asset to the installation's library, which every organisation searches. */
  async ingest(auth: RequestAuth, dto: LibraryIngestDto): Promise<LibraryAssetDto> {
    const data = Buffer.from(dto.file[0].data, 'base64');
    const file = await checkAssetFile(dto.type, data);
    const asset = Object.assign(new LibraryAsset(), {
      orgId: null, type: dto.type, title: dto.title.trim(), tags: dto.tags ?? [], prompt: dto.prompt?.trim() || null, licence: dto.licence?.trim() || null,
      ...file, sourceImageId: null, createdBy: principalId(auth.principal),
    } satisfies Partial<LibraryAsset>);
    await this.store(asset, data);
    return this.describe(asset);
  }

  async removeInstallationAsset(id: string): Promise<void> {
    await this.remove(null, id);
  }

  /** The file behind a signed link. */
  async download(token: string): Promise<{ asset: LibraryAsset; data: Buffer; expiresAt: Date }> {
    const link = this.files.verifyLink(token);
    if (link === 'expired') throw new AppError('expired', 'This download link has expired; search again for a new one');
    const asset = link ? await this.repo.getById(link.fileId) : null;
    const data = asset ? await this.files.get(asset.storageKey) : null;
    if (!asset || !data) throw AppError.notFound('File');
    return { asset, data, expiresAt: link!.expiresAt };
  }

  /** The file first: a row is never seen without its file. */
  private async store(asset: LibraryAsset, data: Buffer): Promise<void> {
    asset.storageKey = `library/${asset.orgId ?? 'installation'}/${asset.id}`;
    await this.files.put(asset.storageKey, data);
    await this.repo.add(asset).catch(async (err: unknown) => {
      await this.files.delete(asset.storageKey);
      throw err;
    });
  }

  /** The row first: once it is gone no search finds the asset, and its file goes after. */
  private async remove(orgId: string | null, id: string): Promise<LibraryAsset> {
    const asset = await this.repo.delete(orgId, id);
    if (!asset) throw AppError.notFound('Library asset');
    await this.files.delete(asset.storageKey);
    return asset;
  }

  private async assertPlanHasLibrary(orgId: string): Promise<void> {
    const plan = await this.orgs.planOf(orgId);
    if (!plan.features.library) throw new AppError('plan_limit', `The ${plan.name} plan does not include the asset library`, { feature: 'library' });
  }

  private describe(asset: LibraryAsset): LibraryAssetDto {
    const { token } = this.files.link(asset.id);
    return {
      id: asset.id, type: asset.type, title: asset.title, tags: asset.tags, prompt: asset.prompt, licence: asset.licence,
      width: asset.width, height: asset.height, format: asset.format, owner: asset.orgId ? 'organization' : 'installation',
      url: new URL(`/api/v1/library/files/${token}`, this.config.publicUrl).toString(), createdAt: asset.createdAt.toISOString(),
    };
  }
}

/** A title from a prompt: its first line, trimmed, cut to the column's length. */
const titleFrom = (prompt: string): string => (prompt.trim().split('\n')[0] || 'Untitled').slice(0, TITLE_LENGTH).trim();
