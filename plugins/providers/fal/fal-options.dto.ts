import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';
import type { ImageFormat } from '../../../src/plugins';

/** fal's queue host: the client builds every queue URL on it; `baseUrl` replaces it (a proxy, a fake). */
export const FAL_QUEUE_URL = 'https://queue.fal.run';

/** The public keys fal signs webhook deliveries with. */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

/** "owner/app" or "owner/app/path", as fal names its endpoints (fal-ai/flux/schnell). */
const ENDPOINT_ID = /^[\w.-]+\/[\w.-]+(\/[\w.-]+)*$/;

/** fal's list price of one image: per image, or per megapixel (1024x1024, rounded up) as FLUX's pages price it. */
export class FalListPrice {
  @IsNumber() @Min(0) usd!: number;
  @IsIn(['image', 'megapixel']) per!: 'image' | 'megapixel';
}

/**
 * One Darkroom model served by a fal endpoint. Endpoints take their own inputs, so which inputs give
 * each size and format, and the names of the count, seed and source-image inputs, are configuration.
 */
export class FalModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  @Matches(ENDPOINT_ID, { message: 'endpoint must be a fal endpoint id, "owner/app" or "owner/app/path"' })
  endpoint!: string;

  @IsArray() @ArrayMinSize(1) @IsIn(['generate', 'edit'], { each: true })
  operations!: Array<'generate' | 'edit'>;

  /** WIDTHxHEIGHT -> the inputs that make the endpoint render that size, e.g. {"1024x768": {"image_size": "landscape_4_3"}}. */
  @IsObject() sizes!: Record<string, Record<string, unknown>>;

  /** png, jpeg, webp -> the inputs that make the endpoint answer in it, e.g. {"jpeg": {"output_format": "jpeg"}}. */
  @IsObject() formats!: Partial<Record<ImageFormat, Record<string, unknown>>>;

  /** The input taking an edit's source image (sent as a data URI); `edit` needs it or `imagesInput`. */
  @IsOptional() @IsString() @MinLength(1) imageInput?: string;

  /** The input taking every source image of an edit, as a list of data URIs: used instead of `imageInput`, and needed for `maxSourceImages` above 1. */
  @IsOptional() @IsString() @MinLength(1) imagesInput?: string;

  /** How many source images one edit may send (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(16) maxSourceImages?: number;

  /** Whether an edit may send a mask (default false); it goes to `maskInput`. */
  @IsOptional() @IsBoolean() mask?: boolean;

  /** The input taking an edit's mask, as a data URI of a grayscale PNG, white where the image is to change (fal's fill and inpainting endpoints' convention). */
  @IsOptional() @IsString() @MinLength(1) maskInput?: string;

  /** The input taking how many images to render; without it, one per request. */
  @IsOptional() @IsString() @MinLength(1) countInput?: string;

  @IsOptional() @IsInt() @Min(1) @Max(8) maxImagesPerCall?: number;

  /** The input taking the seed; without it the model is listed as ignoring seeds. */
  @IsOptional() @IsString() @MinLength(1) seedInput?: string;

  @IsOptional() @IsString() @MinLength(1) negativePromptInput?: string;

  /** Inputs sent as they are with every request (e.g. {"num_inference_steps": 4}). */
  @IsOptional() @IsObject() input?: Record<string, unknown>;

  /** Platform credits per image. */
  @IsInt() @Min(1) credits!: number;

  /** What fal charges for one image, reported on the job's step. */
  @ValidateNested() @Type(() => FalListPrice)
  listPrice!: FalListPrice;
}

export class FalOptions {
  /** Replaces https://queue.fal.run in every queue URL. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => FalModelOptions)
  models?: FalModelOptions[];

  /** Where fal's webhook signing keys are (a JWKS); only a fake in tests needs another. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhookJwksUrl?: string;
}

export class FalCredentials {
  /** A key from fal.ai/dashboard/keys (FAL_KEY), "<id>:<secret>", sent as `Authorization: Key <key>`. */
  @IsString() @MinLength(8)
  apiKey!: string;
}

/** FLUX's image_size presets, all within one megapixel. */
const FLUX_SIZES = {
  '1024x1024': { image_size: 'square_hd' },
  '512x512': { image_size: 'square' },
  '1024x768': { image_size: 'landscape_4_3' },
  '768x1024': { image_size: 'portrait_4_3' },
  '1024x576': { image_size: 'landscape_16_9' },
  '576x1024': { image_size: 'portrait_16_9' },
};
const JPEG_PNG = { jpeg: { output_format: 'jpeg' }, png: { output_format: 'png' } };

/**
 * The defaults, at fal's list prices (fal.ai/models/...): FLUX.1 [schnell] ($0.003 a megapixel) and
 * [dev] ($0.025 a megapixel) for generation, FLUX.1 Kontext [pro] ($0.04 an image) for edits.
 * Credits are the list price in US cents, rounded up.
 */
export const DEFAULT_MODELS: FalModelOptions[] = [
  {
    id: 'flux-schnell',
    name: 'FLUX.1 [schnell]',
    description: 'Black Forest Labs\' fastest FLUX model, through fal.',
    endpoint: 'fal-ai/flux/schnell',
    operations: ['generate'],
    sizes: FLUX_SIZES,
    formats: JPEG_PNG,
    countInput: 'num_images',
    maxImagesPerCall: 4,
    seedInput: 'seed',
    credits: 1,
    listPrice: { usd: 0.003, per: 'megapixel' },
  },
  {
    id: 'flux-dev',
    name: 'FLUX.1 [dev]',
    description: 'FLUX.1 [dev], finer detail than schnell, through fal.',
    endpoint: 'fal-ai/flux/dev',
    operations: ['generate'],
    sizes: FLUX_SIZES,
    formats: JPEG_PNG,
    countInput: 'num_images',
    maxImagesPerCall: 4,
    seedInput: 'seed',
    credits: 3,
    listPrice: { usd: 0.025, per: 'megapixel' },
  },
  {
    id: 'flux-kontext-pro',
    name: 'FLUX.1 Kontext [pro]',
    description: 'Edits an image from a text instruction, through fal.',
    endpoint: 'fal-ai/flux-pro/kontext',
    operations: ['edit'],
    sizes: { '1024x1024': { aspect_ratio: '1:1' } },
    formats: JPEG_PNG,
    imageInput: 'image_url',
    countInput: 'num_images',
    maxImagesPerCall: 4,
    seedInput: 'seed',
    credits: 4,
    listPrice: { usd: 0.04, per: 'image' },
  },
];

const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const FORMATS = ['png', 'jpeg', 'webp', 'avif'];

/** What class-validator cannot say about the models: size keys, format keys, edit, source, mask and count inputs, unique ids. */
export function modelOptionProblems(models: FalModelOptions[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, m] of models.entries()) {
    const at = `models.${i}`;
    if (ids.has(m.id)) problems.push(`${at}.id "${m.id}" is used twice`);
    ids.add(m.id);
    const sizes = Object.keys(m.sizes ?? {});
    if (!sizes.length || sizes.some((s) => !SIZE.test(s))) problems.push(`${at}.sizes must map WIDTHxHEIGHT keys to the inputs for that size`);
    const formats = Object.keys(m.formats ?? {});
    if (!formats.length || formats.some((f) => !FORMATS.includes(f))) problems.push(`${at}.formats must map some of ${FORMATS.join(', ')} to the inputs for that format`);
    if (m.operations?.includes('edit') && !m.imageInput && !m.imagesInput) problems.push(`${at}.imageInput or imagesInput is needed for the edit operation`);
    if ((m.maxSourceImages ?? 1) > 1 && !m.imagesInput) problems.push(`${at}.imagesInput is needed for maxSourceImages above 1`);
    if (m.mask && !m.maskInput) problems.push(`${at}.maskInput is needed for mask`);
    if ((m.maxImagesPerCall ?? 1) > 1 && !m.countInput) problems.push(`${at}.countInput is needed for maxImagesPerCall above 1`);
  }
  return problems;
}
