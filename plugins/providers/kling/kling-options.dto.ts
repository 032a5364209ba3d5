import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';

/** Kling's API host (it moved there from api.klingai.com). */
export const KLING_BASE_URL = 'https://api-singapore.klingai.com';
/** How often a task is asked about until it ends: Kling renders in tens of seconds to minutes. */
export const KLING_POLL_INTERVAL_MS = 5000;
/** The lengths Kling renders a video at. */
export const KLING_DURATIONS = [5, 10];

/**
 * One Darkroom model served by one Kling model (`model_name`): images (`generate`) or videos
 * (`video`: text-to-video, or image-to-video when a first frame is given). Kling names, retires
 * and reprices its models often, so they are configuration; the defaults are below.
 */
export class KlingModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  /** Kling's `model_name` (kling-v1, kling-v1-6, kling-v2-master, ...); default: the id. */
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'modelName must be a Kling model name such as kling-v1-6' })
  modelName?: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  @IsIn(['generate', 'video'])
  operation!: 'generate' | 'video';

  /** Video: Kling's `mode`, `std` (720p) or `pro` (1080p); left out, Kling's default. */
  @IsOptional() @IsIn(['std', 'pro'])
  mode?: 'std' | 'pro';

  /** WIDTHxHEIGHT -> the `aspect_ratio` that renders it (`{"1280x720": "16:9"}`). */
  @IsObject()
  sizes!: Record<string, string>;

  /** Images: how many one task renders (Kling's `n`, 1 to 9); default 1. */
  @IsOptional() @IsInt() @Min(1) @Max(9)
  maxImagesPerCall?: number;

  /** Inputs sent as they are with every task (`{"cfg_scale": 0.5}`). */
  @IsOptional() @IsObject() input?: Record<string, unknown>;

  /** Platform credits per image, or per second of video. */
  @IsInt() @Min(1) credits!: number;

  /** Kling's list price in US dollars per image, or per second of video. */
  @IsNumber() @Min(0) usd!: number;
}

export class KlingOptions {
  /** Where the API is: a proxy, or a fake in tests; default https://api-singapore.klingai.com. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  /** How often a task is asked about, in milliseconds (250 to 30000); default 5000. */
  @IsOptional() @IsInt() @Min(250) @Max(30_000)
  pollIntervalMs?: number;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => KlingModelOptions)
  models?: KlingModelOptions[];
}

/** The platform's key pair (KLING_ACCESS_KEY, KLING_SECRET_KEY) or an organisation's own: each request carries a JWT they sign. */
export class KlingCredentials {
  @IsString() @MinLength(8)
  accessKey!: string;

  @IsString() @MinLength(8)
  secretKey!: string;
}

const VIDEO_720P = { '1280x720': '16:9', '720x1280': '9:16', '720x720': '1:1' };
const VIDEO_1080P = { '1920x1080': '16:9', '1080x1920': '9:16', '1080x1080': '1:1' };

/**
 * The defaults. Kling publishes its ratios but not the pixels each renders, nor a stable dollar
 * price (it sells resource packs): the sizes (1K images, 720p std and 1080p pro videos) and prices
 * here are the common ones and are configuration (NC).
 */
export const DEFAULT_MODELS: KlingModelOptions[] = [
  {
    id: 'kling-v1', name: 'Kling v1 (image)', description: 'Kling\'s text-to-image model, up to 9 images a task.',
    operation: 'generate', sizes: { '1024x1024': '1:1', '1344x768': '16:9', '768x1344': '9:16' }, maxImagesPerCall: 9, credits: 2, usd: 0.014,
  },
  {
    id: 'kling-v1-6', name: 'Kling v1.6 (standard, 720p)', description: 'Text-to-video, or a first frame animated, in 5 or 10 seconds.',
    operation: 'video', mode: 'std', sizes: VIDEO_720P, credits: 6, usd: 0.056,
  },
  {
    id: 'kling-v1-6-pro', modelName: 'kling-v1-6', name: 'Kling v1.6 (professional, 1080p)', description: 'Kling v1.6 in its professional mode.',
    operation: 'video', mode: 'pro', sizes: VIDEO_1080P, credits: 10, usd: 0.098,
  },
  {
    id: 'kling-v2-master', name: 'Kling v2 Master', description: 'Kling\'s v2 flagship video model.',
    operation: 'video', sizes: VIDEO_720P, credits: 28, usd: 0.28,
  },
];

const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const RATIO = /^\d{1,2}:\d{1,2}$/;

/** What class-validator cannot say about the models: sizes as ratios, a mode only on video, unique ids. */
export function modelOptionProblems(models: KlingModelOptions[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, m] of models.entries()) {
    const at = `models.${i}`;
    if (ids.has(m.id)) problems.push(`${at}.id "${m.id}" is used twice`);
    ids.add(m.id);
    const sizes = Object.entries(m.sizes ?? {});
    if (!sizes.length || sizes.some(([size, ratio]) => !SIZE.test(size) || !RATIO.test(ratio))) {
      problems.push(`${at}.sizes must map WIDTHxHEIGHT keys to ratios such as "16:9"`);
    }
    if (m.operation === 'generate' && m.mode) problems.push(`${at}.mode is for video models`);
    if (m.operation === 'video' && (m.maxImagesPerCall ?? 1) > 1) problems.push(`${at}.maxImagesPerCall is for image models`);
  }
  return problems;
}
