import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';

/** Luma's own API (the SDK's default); a test or a proxy points `baseUrl` elsewhere. */
export const LUMA_API = 'https://api.lumalabs.ai/dream-machine/v1';

export const DEFAULT_POLL_INTERVAL_MS = 3_000;

export const LUMA_ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'];
const SIZE = /^[1-9]\d{1,4}x[1-9]\d{1,4}$/;

/** Luma renders 24 frames a second, the rate its per-pixel price counts (NC). */
export const LUMA_FPS = 24;

/** One Darkroom model served by a Luma Ray model: Luma retires and adds models, so each is configuration. */
export class LumaModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  /** Luma's model id: `ray-2`, `ray-flash-2`. */
  @Matches(/^[\w.-]{1,64}$/, { message: 'model must be a Luma model id such as ray-2' })
  model!: string;

  /** Luma's `resolution` for every video of this model. */
  @IsIn(['540p', '720p', '1080p', '4k'])
  resolution!: '540p' | '720p' | '1080p' | '4k';

  /** WIDTHxHEIGHT -> the `aspect_ratio` that renders it at this resolution, e.g. {"1280x720": "16:9"}. */
  @IsObject()
  sizes!: Record<string, string>;

  /** The lengths it renders, in whole seconds, shortest first (sent as "5s"). */
  @IsArray() @ArrayMinSize(1) @IsInt({ each: true }) @Min(1, { each: true }) @Max(60, { each: true })
  durations!: number[];

  /** Luma's list price in US dollars per million pixels rendered (width x height x 24 frames x seconds). */
  @IsNumber() @IsPositive()
  usdPerMegapixel!: number;
}

export class LumaOptions {
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => LumaModelOptions)
  models?: LumaModelOptions[];

  /** How long the core waits between two questions about a generation. */
  @IsOptional() @IsInt() @Min(250) @Max(30_000)
  pollIntervalMs?: number;
}

export class LumaCredentials {
  /** An API key from lumalabs.ai/dream-machine/api/keys (LUMAAI_API_KEY), `luma-...`. */
  @IsString() @MinLength(8)
  apiKey!: string;
}

const HD_SIZES = { '1280x720': '16:9', '720x1280': '9:16' };

/**
 * The defaults: Ray 2 and Ray Flash 2 at 720p, 5 or 9 seconds, priced at Luma's published
 * $0.0064 and $0.0022 per million pixels (NC: read from Luma's pricing page, not its API).
 */
export const DEFAULT_MODELS: LumaModelOptions[] = [
  {
    id: 'ray-2', model: 'ray-2', name: 'Ray 2', description: "Luma's Ray 2 at 720p: realistic motion from a prompt.",
    resolution: '720p', sizes: HD_SIZES, durations: [5, 9], usdPerMegapixel: 0.0064,
  },
  {
    id: 'ray-flash-2', model: 'ray-flash-2', name: 'Ray Flash 2', description: "Luma's faster, cheaper Ray 2 at 720p.",
    resolution: '720p', sizes: HD_SIZES, durations: [5, 9], usdPerMegapixel: 0.0022,
  },
];

/** Problems plain validation cannot see: sizes and their ratios, two models under one id, durations out of order. */
export function modelOptionProblems(models: LumaModelOptions[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  models.forEach((m, i) => {
    const sizes = Object.entries(m.sizes);
    if (!sizes.length || sizes.some(([size]) => !SIZE.test(size))) problems.push(`models.${i}.sizes must map WIDTHxHEIGHT keys to aspect ratios`);
    if (sizes.some(([, ratio]) => !LUMA_ASPECT_RATIOS.includes(ratio))) problems.push(`models.${i}.sizes' aspect ratios must be some of ${LUMA_ASPECT_RATIOS.join(', ')}`);
    if (seen.has(m.id)) problems.push(`models.${i}.id "${m.id}" is used twice`);
    seen.add(m.id);
    if (m.durations.some((d, k) => k > 0 && d <= m.durations[k - 1])) problems.push(`models.${i}.durations must be listed shortest first, each once`);
  });
  return problems;
}
