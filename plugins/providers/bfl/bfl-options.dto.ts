import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import type { ImageFormat } from '../../../src/plugins';

/** BFL's global endpoint (failover between regions); `https://api.eu.bfl.ai` and `https://api.us.bfl.ai` pin a region. */
export const BFL_BASE_URL = 'https://api.bfl.ai';
/** How often a task's result is asked for until it is ready. */
export const BFL_POLL_INTERVAL_MS = 1000;
/** BFL renders JPEG (its default) or PNG. */
export const BFL_FORMATS: ImageFormat[] = ['jpeg', 'png'];
/** The most sources an edit endpoint takes: FLUX.2's `input_image` to `input_image_8`. */
export const BFL_MAX_SOURCE_IMAGES = 8;

export type BflOperation = 'generate' | 'edit' | 'fill';

/** Any size within these bounds, sent as `width` and `height` (FLUX1.1 [pro], FLUX.1 [dev], FLUX.2). */
export class BflSizeBounds {
  @IsInt() @Min(64) minWidth!: number;
  @IsInt() @Max(8192) maxWidth!: number;
  @IsInt() @Min(64) minHeight!: number;
  @IsInt() @Max(8192) maxHeight!: number;
  @IsInt() @Min(1) multipleOf!: number;
  @IsOptional() @IsInt() @Min(4096) maxPixels?: number;
}

/**
 * One Darkroom model served by one BFL endpoint (`POST /v1/<endpoint>`). BFL adds and retires
 * endpoints often, so they are configuration; the defaults are below.
 */
export class BflModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  /** The path after /v1/ (`flux-pro-1.1`, `flux-2-pro`, ...); default: the id. */
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'endpoint must be a BFL endpoint name such as flux-pro-1.1' })
  endpoint?: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  /**
   * generate: from a prompt. edit: the sources are sent as `input_image`, `input_image_2` ...
   * (Kontext, FLUX.2). fill: a Darkroom edit with a mask, for the fill endpoints
   * (`flux-pro-1.0-fill`): the first source is sent as `image` and the mask as `mask`.
   */
  @IsIn(['generate', 'edit', 'fill'])
  operation!: BflOperation;

  /** edit: how many sources one task takes (FLUX.2 [pro], [max], [flex]: 8; [klein]: 4; Kontext: 1); default 1. */
  @IsOptional() @IsInt() @Min(1) @Max(BFL_MAX_SOURCE_IMAGES)
  maxSourceImages?: number;

  /** Sizes sent as `width` and `height`... */
  @IsOptional() @ValidateNested() @Type(() => BflSizeBounds)
  bounds?: BflSizeBounds;

  /** ...or WIDTHxHEIGHT -> the `aspect_ratio` that renders it (`{"2752x1536": "16:9"}`), for endpoints that take a ratio. */
  @IsOptional() @IsObject()
  aspectRatios?: Record<string, string>;

  /** Whether the endpoint takes a seed; default true. */
  @IsOptional() @IsBoolean() seed?: boolean;

  /** Inputs sent as they are with every task (`{"safety_tolerance": 2, "raw": true}`). */
  @IsOptional() @IsObject() input?: Record<string, unknown>;

  /** Platform credits per image. */
  @IsInt() @Min(1) credits!: number;

  /** BFL's list price per image in US dollars (1 BFL credit = $0.01). */
  @IsNumber() @Min(0) usd!: number;
}

export class BflOptions {
  /** Where the API is: a regional host, a proxy, or a fake in tests; default https://api.bfl.ai. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  /** How often a pending task is asked about, in milliseconds (250 to 30000); default 1000. */
  @IsOptional() @IsInt() @Min(250) @Max(30_000)
  pollIntervalMs?: number;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => BflModelOptions)
  models?: BflModelOptions[];
}

/** The platform's key (BFL_API_KEY) or an organisation's own, sent as `x-key`. */
export class BflCredentials {
  @IsString()
  @Matches(/^\S{8,}$/, { message: 'apiKey must be a BFL API key' })
  apiKey!: string;
}

/** FLUX1.1 [pro] and FLUX.1 [dev] take any size from 256 to 1440 in steps of 32. */
const FLUX1_BOUNDS: BflSizeBounds = { minWidth: 256, maxWidth: 1440, minHeight: 256, maxHeight: 1440, multipleOf: 32 };

/**
 * The defaults, at BFL's list prices (docs.bfl.ai pricing; 1 platform credit = 1 US cent, rounded
 * up). Ultra renders about 4 megapixels per ratio; Kontext about 1 megapixel (only 1:1 listed).
 * FLUX.2 is priced per megapixel, which one price per image cannot say, so it is left to configuration.
 */
export const DEFAULT_MODELS: BflModelOptions[] = [
  {
    id: 'flux-pro-1.1', name: 'FLUX1.1 [pro]', description: 'Black Forest Labs\' fast, high-quality text-to-image model.',
    operation: 'generate', bounds: FLUX1_BOUNDS, credits: 4, usd: 0.04,
  },
  {
    id: 'flux-pro-1.1-ultra', name: 'FLUX1.1 [pro] Ultra', description: 'FLUX1.1 [pro] at about 4 megapixels.',
    operation: 'generate', aspectRatios: { '2048x2048': '1:1', '2752x1536': '16:9', '1536x2752': '9:16' }, credits: 6, usd: 0.06,
  },
  {
    id: 'flux-dev', name: 'FLUX.1 [dev]', description: 'The open-weights FLUX model, served by BFL.',
    operation: 'generate', bounds: FLUX1_BOUNDS, credits: 3, usd: 0.025,
  },
  {
    id: 'flux-kontext-pro', name: 'FLUX.1 Kontext [pro]', description: 'Edits an image from a text instruction.',
    operation: 'edit', aspectRatios: { '1024x1024': '1:1' }, maxSourceImages: 1, credits: 4, usd: 0.04,
  },
  {
    // The output keeps the size of the image sent, so the source is brought to the asked size first;
    // the bounds are FLUX.1's (BFL publishes none for fill: NC).
    id: 'flux-pro-1.0-fill', name: 'FLUX.1 Fill [pro]', description: 'Repaints the masked area of an image from a prompt (inpainting).',
    operation: 'fill', bounds: FLUX1_BOUNDS, credits: 5, usd: 0.05,
  },
];

const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const RATIO = /^\d{1,2}:\d{1,2}$/;

/** What class-validator cannot say about the models: one way to size, well-formed ratios, unique ids. */
export function modelOptionProblems(models: BflModelOptions[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, m] of models.entries()) {
    const at = `models.${i}`;
    if (ids.has(m.id)) problems.push(`${at}.id "${m.id}" is used twice`);
    ids.add(m.id);
    if (Boolean(m.bounds) === Boolean(m.aspectRatios)) problems.push(`${at} needs exactly one of bounds (sent as width and height) or aspectRatios`);
    const ratios = Object.entries(m.aspectRatios ?? {});
    if (m.aspectRatios && (!ratios.length || ratios.some(([size, ratio]) => !SIZE.test(size) || !RATIO.test(ratio)))) {
      problems.push(`${at}.aspectRatios must map WIDTHxHEIGHT keys to ratios such as "16:9"`);
    }
    if (m.bounds && (m.bounds.minWidth > m.bounds.maxWidth || m.bounds.minHeight > m.bounds.maxHeight)) problems.push(`${at}.bounds have a minimum above the maximum`);
    if (m.operation === 'fill' && m.aspectRatios) problems.push(`${at}: a fill endpoint takes no aspect_ratio (its output keeps the source's size), so it needs bounds`);
    if (m.maxSourceImages !== undefined && m.operation !== 'edit') problems.push(`${at}.maxSourceImages is for edit models (a ${m.operation} task takes ${m.operation === 'fill' ? 'one image' : 'none'})`);
  }
  return problems;
}
