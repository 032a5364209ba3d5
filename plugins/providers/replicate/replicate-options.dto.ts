import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';
import type { ImageFormat } from '../../../src/plugins';

/** Replicate's own API; a test or a proxy points `baseUrl` elsewhere. */
export const REPLICATE_API = 'https://api.replicate.com/v1';

/** "owner/name" (an official model, its latest version) or "owner/name:version" (one version, pinned). */
const MODEL_REF = /^[\w.-]+\/[\w.-]+(:[0-9a-f]{64})?$/;

/**
 * One Darkroom model served by a Replicate model. Replicate models each take their own inputs, so
 * the mapping from a Darkroom request to them is configuration: which inputs give each size and
 * format, and the names of the inputs for the count, seed, negative prompt and source image.
 */
export class ReplicateModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  @Matches(MODEL_REF, { message: 'model must be "owner/name" or "owner/name:<64-hex version>"' })
  model!: string;

  @IsArray() @ArrayMinSize(1) @IsIn(['generate', 'edit'], { each: true })
  operations!: Array<'generate' | 'edit'>;

  /** WIDTHxHEIGHT -> the inputs that make the model render that size, e.g. {"1344x768": {"aspect_ratio": "16:9"}}. */
  @IsObject() sizes!: Record<string, Record<string, unknown>>;

  /** png, jpeg, webp -> the inputs that make the model answer in it, e.g. {"jpeg": {"output_format": "jpg"}}. */
  @IsObject() formats!: Partial<Record<ImageFormat, Record<string, unknown>>>;

  /** The input taking the source image of an edit (as a data URI); `edit` needs it or `imagesInput`. */
  @IsOptional() @IsString() @MinLength(1) imageInput?: string;

  /** The input taking every source image of an edit, as a list of data URIs: used instead of `imageInput`, and needed for `maxSourceImages` above 1. */
  @IsOptional() @IsString() @MinLength(1) imagesInput?: string;

  /** How many source images one edit may send (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(16) maxSourceImages?: number;

  /** Whether an edit may send a mask (default false); it goes to `maskInput`. */
  @IsOptional() @IsBoolean() mask?: boolean;

  /** The input taking an edit's mask, as a data URI of a grayscale PNG, white where the image is to change (inpainting models' convention). */
  @IsOptional() @IsString() @MinLength(1) maskInput?: string;

  /** The input taking how many images to render; without it, one per prediction. */
  @IsOptional() @IsString() @MinLength(1) countInput?: string;

  @IsOptional() @IsInt() @Min(1) @Max(16) maxImagesPerCall?: number;

  /** The input taking the seed; without it the model is listed as ignoring seeds. */
  @IsOptional() @IsString() @MinLength(1) seedInput?: string;

  @IsOptional() @IsString() @MinLength(1) negativePromptInput?: string;

  /** Inputs sent as they are with every prediction (e.g. {"go_fast": true}). */
  @IsOptional() @IsObject() input?: Record<string, unknown>;

  /** Platform credits per image. */
  @IsInt() @Min(1) credits!: number;
}

export class ReplicateOptions {
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ReplicateModelOptions)
  models?: ReplicateModelOptions[];

  /** How long a create holds the connection for the answer (`Prefer: wait=N`), 1 to 60 seconds; polling takes over after. */
  @IsOptional() @IsInt() @Min(1) @Max(60)
  waitSeconds?: number;
}

export class ReplicateCredentials {
  /** An API token from replicate.com/account/api-tokens (REPLICATE_API_TOKEN). */
  @IsString() @MinLength(8)
  apiToken!: string;
}

/**
 * The defaults: FLUX schnell for generation and FLUX Kontext Pro for edits, as Replicate lists them
 * (black-forest-labs/*, official models, so no version pin). Sizes are the renderings at 1 megapixel
 * of the aspect ratios they take.
 */
export const DEFAULT_MODELS: ReplicateModelOptions[] = [
  {
    id: 'flux-schnell',
    name: 'FLUX.1 [schnell]',
    description: 'Black Forest Labs\' fastest FLUX model, through Replicate.',
    model: 'black-forest-labs/flux-schnell',
    operations: ['generate'],
    sizes: {
      '1024x1024': { aspect_ratio: '1:1' },
      '1344x768': { aspect_ratio: '16:9' },
      '768x1344': { aspect_ratio: '9:16' },
      '1216x832': { aspect_ratio: '3:2' },
      '832x1216': { aspect_ratio: '2:3' },
      '1152x896': { aspect_ratio: '4:3' },
      '896x1152': { aspect_ratio: '3:4' },
    },
    formats: { webp: { output_format: 'webp' }, jpeg: { output_format: 'jpg' }, png: { output_format: 'png' } },
    countInput: 'num_outputs',
    maxImagesPerCall: 4,
    seedInput: 'seed',
    input: { megapixels: '1' },
    credits: 1,
  },
  {
    id: 'flux-kontext-pro',
    name: 'FLUX.1 Kontext [pro]',
    description: 'Edits an image from a text instruction, through Replicate.',
    model: 'black-forest-labs/flux-kontext-pro',
    operations: ['edit'],
    sizes: { '1024x1024': { aspect_ratio: '1:1' } },
    formats: { png: { output_format: 'png' }, jpeg: { output_format: 'jpg' } },
    imageInput: 'input_image',
    seedInput: 'seed',
    credits: 10,
  },
];

const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const FORMATS = ['png', 'jpeg', 'webp', 'avif'];

/** What class-validator cannot say about the models: size keys, format keys, edit, source and mask inputs, unique ids. */
export function modelOptionProblems(models: ReplicateModelOptions[]): string[] {
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
