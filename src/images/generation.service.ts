import { randomInt } from 'node:crypto';
import sharp from 'sharp';
import { Injectable } from '@nestjs/common';
import { ClientTokenQuota } from '../auth/client-tokens/client-token-quota';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { JobOperation, type PreparedJob } from '../jobs/job-operation';
import { JobSubmitter, type Submitted } from '../jobs/job-submitter';
import type { Job } from '../jobs/job.entity';
import { readableEndUser } from '../tenancy/end-user';
import { OrgDirectory } from '../tenancy/org-directory';
import type { GenerateInput } from '../plugins/provider-operations';
import type { FallbackTarget } from '../providers/provider-calls';
import { LIBRARY_TARGET, ProviderRouter, type ProviderRoute } from '../providers/provider-router';
import { LibraryMatcher } from '../library/library-matcher';
import { RoutingPoliciesService } from '../providers/routing-policies.service';
import { FileStore } from '../storage/file-store';
import { sizeForAspectRatio } from './aspect-sizes';
import { EditCreateDto, GenerationCreateDto, imagesAsked, MAX_SOURCES, MAX_SOURCES_MB, type ImageRequestDto, type SourceImageDto } from './generation.dto';
import { ImagesRepository } from './images.repository';
import { base64Source, decodeSource } from './source-image';
import { SourceDownloader } from './source-downloader';

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/** A job's input: what the provider is asked (the SDK's GenerateInput), which provider, and any sources. */
export interface GenerationInput extends Omit<GenerateInput, 'options'> {
  provider: string;
  /** A library-first generation the library answers: its asset, copied under the job until it ends. */
  library?: { assetId: string; storageKey: string; format: string; width: number; height: number; score: number; price: number };
  /** Where the job goes when the provider fails in a way another might not, in order. */
  fallback?: FallbackTarget[];
  /** Edits: the sources, stored encrypted until the job succeeds. */
  sources?: StoredSource[];
  /** An edit's mask, stored as its sources are. */
  mask?: StoredSource;
  /** The request's providerOptions for the providers of its route, by id: each call gets its own provider's. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface StoredSource {
  storageKey: string;
  mimeType: string;
}

interface Source {
  data: Buffer;
  mimeType: string;
}

/** Bounds checked before anything is decoded or queued. */
export const MAX_SOURCE_BYTES = 20 * 1024 * 1024;
const MAX_SOURCES_BYTES = MAX_SOURCES_MB * 1024 * 1024;

/**
 * The images.generate and images.edit operations: checks a request against the provider and the
 * plan, prices it and stores an edit's sources; JobSubmitter reserves the price and queues the job,
 * for these routes as for POST /api/v1/jobs.
 */
@Injectable()
export class GenerationService {
  constructor(
    private readonly router: ProviderRouter,
    private readonly orgs: OrgDirectory,
    private readonly submitter: JobSubmitter,
    private readonly images: ImagesRepository,
    private readonly files: FileStore,
    private readonly tokenQuota: ClientTokenQuota,
    private readonly downloads: SourceDownloader,
    private readonly policies: RoutingPoliciesService,
    private readonly library: LibraryMatcher,
  ) {}

  /** `idempotencyKey`: the key the request holds (IdempotencyInterceptor), written on the job so a request that dies can be recovered. */
  create(auth: RequestAuth, dto: GenerationCreateDto, waitSeconds: number, idempotencyKey?: string): Promise<Submitted> {
    return this.submitter.submit(auth, { operation: 'images.generate', dto }, { waitSeconds, idempotencyKey, webhookUrl: dto.webhookUrl });
  }

  edit(auth: RequestAuth, dto: EditCreateDto, waitSeconds: number, idempotencyKey?: string): Promise<Submitted> {
    return this.submitter.submit(auth, { operation: 'images.edit', dto }, { waitSeconds, idempotencyKey, webhookUrl: dto.webhookUrl });
  }

  @JobOperation({ name: 'images.generate', dto: GenerationCreateDto, scope: 'images:generate', units: imagesAsked })
  prepareGeneration(auth: RequestAuth, dto: GenerationCreateDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, dto, job);
  }

  /** An edit is a generation with source images (and maybe a mask), checked and stored before the job is queued. */
  @JobOperation({ name: 'images.edit', dto: EditCreateDto, scope: 'images:edit', units: imagesAsked, form: { numbers: ['n', 'seed'], json: ['metadata', 'fallback', 'providerOptions'] } })
  async prepareEdit(auth: RequestAuth, dto: EditCreateDto, job: Job): Promise<PreparedJob> {
    if (dto.images.length > MAX_SOURCES) throw new AppError('too_many_images', `Send at most ${MAX_SOURCES} source images`);
    const sources = await Promise.all(dto.images.map((s, i) => this.sourceBytes(auth, s, `images[${i}]`, i)));
    const mask = dto.mask ? await this.sourceBytes(auth, dto.mask, 'mask', sources.length) : undefined;
    const bytes = [...sources, ...(mask ? [mask] : [])].reduce((sum, s) => sum + s.data.length, 0);
    if (bytes > MAX_SOURCES_BYTES) throw new AppError('payload_too_large', `The source images are over ${MAX_SOURCES_MB} MB in all`);
    if (mask) await assertMaskFits(mask.data, sources[0].data);
    return this.prepare(auth, dto, job, { images: sources, mask });
  }

  /** The job's input and price; an edit's sources are stored (encrypted) under the job's id until it ends. */
  private async prepare(auth: RequestAuth, dto: ImageRequestDto, job: Job, sources?: { images: Source[]; mask?: Source }): Promise<PreparedJob> {
    const operation = sources ? 'edit' : 'generate';
    const { input, routes, libraryFirst } = await this.resolve(auth, dto, operation, sources && { sources: sources.images.length, mask: !!sources.mask });
    Object.assign(job, { input, metadata: dto.metadata ?? null });
    const answered = libraryFirst && input.n === 1 ? await this.fromLibrary(auth, job, input) : null;
    if (answered) return answered;
    // Held for the dearest target it may fall back to; charged what the one that answers costs. On
    // the organisation's own key (BYOK) a target costs the platform fee only.
    const prices = await Promise.all(routes.map(async (route) => this.router.charge(route, { operation, n: input.n, width: input.width, height: input.height, format: input.format }, await this.router.credentialsFor(job.orgId, route.provider))));
    const price = Math.max(...prices);
    if (sources) {
      input.sources = [];
      for (const [i, s] of sources.images.entries()) input.sources.push(await this.store(`sources/${job.orgId}/${job.id}-${i}`, s));
      if (sources.mask) input.mask = await this.store(`sources/${job.orgId}/${job.id}-mask`, sources.mask);
    }
    return {
      price,
      reason: `${input.n} image(s) with ${input.provider}/${input.model}`,
      within: (reserve) => this.tokenQuota.withinMaxImages(auth.principal, input.n, reserve),
      discard: async () => void (await Promise.all(storedSources(input).map((s) => this.files.delete(s.storageKey)))),
    };
  }

  private async store(storageKey: string, source: Source): Promise<StoredSource> {
    await this.files.put(storageKey, source.data);
    return { storageKey, mimeType: source.mimeType };
  }

  /**
   * A library-first generation the library can answer: the best asset covering the prompt well
   * enough, copied under the job (a later removal from the library cannot take it away) and priced
   * LIBRARY_PRICE; null when none does.
   */
  private async fromLibrary(auth: RequestAuth, job: Job, input: GenerationInput): Promise<PreparedJob | null> {
    const match = await this.library.bestMatch(job.orgId, { prompt: input.prompt, type: 'image' });
    const data = match && (await this.files.get(match.asset.storageKey));
    if (!match || !data) return null;
    const { asset, score } = match;
    const storageKey = `sources/${job.orgId}/${job.id}-library`;
    await this.files.put(storageKey, data);
    input.library = { assetId: asset.id, storageKey, format: asset.format, width: asset.width ?? 0, height: asset.height ?? 0, score, price: this.library.price };
    return {
      price: this.library.price,
      reason: `an image from the library (${asset.title.slice(0, 100)})`,
      within: (reserve) => this.tokenQuota.withinMaxImages(auth.principal, 1, reserve),
      discard: () => this.files.delete(storageKey),
    };
  }

  /** A gallery source is one the caller may read: a client token's end user takes only that end user's images. */
  private async sourceBytes(auth: RequestAuth, source: SourceImageDto, field: string, index: number): Promise<Source> {
    let data: Buffer | null;
    if (source.url) {
      data = await this.downloads.fetch(source.url, `${field}.url`, MAX_SOURCE_BYTES);
    } else if (source.imageId) {
      const image = await this.images.getInOrg(orgIdOf(auth), source.imageId, readableEndUser(auth));
      data = image ? await this.files.get(image.storageKey) : null;
      if (!data) throw AppError.notFound(field === 'mask' ? 'The mask image' : `Source image ${index}`);
    } else {
      data = base64Source(source.data, MAX_SOURCE_BYTES, index, field);
    }
    return { data, mimeType: await decodeSource(data, index, field) };
  }

  /**
   * The job's input and where it goes (its route and fallbacks); what the first target's model does
   * not take is refused here, before anything is charged, and a fallback that cannot take the request
   * as it stands (its size, format or style) is left out.
   */
  private async resolve(auth: RequestAuth, dto: ImageRequestDto, operation: 'generate' | 'edit', edit?: { sources: number; mask: boolean }): Promise<{ input: GenerationInput; routes: ProviderRoute[]; libraryFirst: boolean }> {
    const orgId = orgIdOf(auth);
    const named = dto.provider !== undefined || dto.model !== undefined || dto.fallback !== undefined;
    const policy = named ? null : await this.policies.targetsFor(orgId, operation);
    // A policy's first target may be the library (generate only); the rest route what it cannot answer.
    const generate = operation === 'generate' ? (dto as GenerationCreateDto) : undefined;
    const libraryFirst = !!generate && !generate.forceGenerate && (generate.libraryFirst ?? policy?.[0] === LIBRARY_TARGET);
    const targets = policy?.filter((t) => t !== LIBRARY_TARGET);
    const [route, ...fallbacks] = await this.router.plan(operation, orgId, { provider: dto.provider, model: dto.model, fallback: dto.fallback }, () => Promise.resolve(targets?.length ? targets : null));
    this.router.check(route, { style: dto.style || undefined, ...edit });
    if (dto.size && dto.aspectRatio) throw invalid('size', 'give size or aspectRatio, not both');
    const format = dto.format ?? 'png';
    this.router.check(route, { format });
    if (dto.metadata && (Object.keys(dto.metadata).length > 16 || Object.values(dto.metadata).some((v) => typeof v !== 'string' || v.length > 500))) {
      throw invalid('metadata', 'metadata holds at most 16 string values of up to 500 characters');
    }
    const n = dto.n ?? 1;
    const size = dto.size ?? sizeForAspectRatio(route.model, dto.aspectRatio ?? '1:1');
    const [width, height] = size.split('x').map(Number);
    await this.assertWithinPlan(orgId, width, height);
    this.router.check(route, { width, height });
    const usable = fallbacks.filter((f) => this.router.takes(f, { style: dto.style || undefined, format, width, height, ...edit }));
    const providerOptions = this.router.requestOptions([route, ...usable], dto.providerOptions);
    const input: GenerationInput = {
      provider: route.provider.id, model: route.model.id, prompt: dto.prompt, negativePrompt: dto.negativePrompt, style: dto.style, width, height, format, n, seed: dto.seed ?? randomInt(0, 2_147_483_647),
      ...(usable.length ? { fallback: usable.map((f) => ({ provider: f.provider.id, model: f.model.id })) } : {}),
      ...(providerOptions ? { providerOptions } : {}),
    };
    return { input, routes: [route, ...usable], libraryFirst };
  }

  private async assertWithinPlan(orgId: string, width: number, height: number): Promise<void> {
    const plan = await this.orgs.planOf(orgId);
    if (width > plan.maxWidth || height > plan.maxHeight) {
      throw new AppError('plan_limit', `The ${plan.name} plan allows images up to ${plan.maxWidth}x${plan.maxHeight}`, { maxWidth: plan.maxWidth, maxHeight: plan.maxHeight });
    }
  }
}


/** Every stored file of an edit's input: its sources and its mask. */
export const storedSources = (input: Pick<GenerationInput, 'sources' | 'mask'>): StoredSource[] => [...(input.sources ?? []), ...(input.mask ? [input.mask] : [])];

/** A mask is a PNG with an alpha channel the size of the first source: anything else would edit the wrong pixels, or none. */
async function assertMaskFits(mask: Buffer, first: Buffer): Promise<void> {
  const [m, f] = await Promise.all([sharp(mask).metadata(), sharp(first).metadata()]);
  const refuse = (why: string) => new AppError('unprocessable_image', `mask ${why}`, { fields: [{ field: 'mask', messages: [`mask ${why}`] }] });
  if (m.format !== 'png' || !m.hasAlpha) throw refuse('must be a PNG with an alpha channel: its transparent pixels are the area to change');
  if (m.width !== f.width || m.height !== f.height) throw refuse(`is ${m.width}x${m.height}; it must be the first image's size, ${f.width}x${f.height}`);
}
