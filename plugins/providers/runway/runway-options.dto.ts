import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';

/** Runway's own API (the SDK's default); a test or a proxy points `baseUrl` elsewhere. */
export const RUNWAY_API = 'https://api.dev.runwayml.com';

/** Runway asks for a task's state at most every five seconds ("no updates more frequent than once every five seconds"). */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;

/**
 * One Darkroom model served by a Runway model. Runway's models differ in what they take (a first
 * frame or not, their ratios and lengths, a negative prompt) and retire, so each is configuration.
 */
export class RunwayModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  /** Runway's model id: `gen4.5`, `gen4_turbo`, `veo3.1`, ... */
  @Matches(/^[\w.-]{1,64}$/, { message: 'model must be a Runway model id such as gen4.5' })
  model!: string;

  /**
   * `optional`: without a first frame the video is made from the prompt (POST /v1/text_to_video);
   * `required`: the model only animates an image (POST /v1/image_to_video), a request without one is refused.
   */
  @IsIn(['optional', 'required'])
  firstFrame!: 'optional' | 'required';

  /** Runway's `ratio` values the model renders, WIDTH:HEIGHT in pixels ("1280:720"); listed as sizes 1280x720. */
  @IsArray() @ArrayMinSize(1) @Matches(/^[1-9]\d{1,4}:[1-9]\d{1,4}$/, { each: true, message: 'ratios must be WIDTH:HEIGHT values such as 1280:720' })
  ratios!: string[];

  /** The lengths it renders, in whole seconds, shortest first. */
  @IsArray() @ArrayMinSize(1) @IsInt({ each: true }) @Min(1, { each: true }) @Max(60, { each: true })
  durations!: number[];

  /** Runway credits a second of video, its list price; Darkroom charges one credit per Runway credit (both are a US cent). */
  @IsInt() @Min(1)
  creditsPerSecond!: number;

  /** Whether the model takes a `negativePrompt` (Veo does); otherwise a request's negative prompt is not sent. */
  @IsOptional() @IsBoolean()
  negativePrompt?: boolean;

  /** Fields sent as they are with every task (`{"audio": false}`). */
  @IsOptional() @IsObject()
  input?: Record<string, unknown>;
}

export class RunwayOptions {
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => RunwayModelOptions)
  models?: RunwayModelOptions[];

  /** How long the core waits between two questions about a running task. */
  @IsOptional() @IsInt() @Min(250) @Max(30_000)
  pollIntervalMs?: number;
}

export class RunwayCredentials {
  /** An API secret from the Runway developer portal (RUNWAYML_API_SECRET), `key_...`. */
  @IsString() @MinLength(8)
  apiSecret!: string;
}

const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO_RATIOS = ['1280:720', '720:1280', '1920:1080', '1080:1920'];

/**
 * The defaults, from Runway's API reference (SDK 4.20.1) and its price list: Gen-4.5 (text or a first
 * frame; its text-to-video takes the two 720p ratios), Veo 3.1 and Veo 3.1 Fast (without audio, the
 * cheaper rate), and Gen-4 Turbo (a first frame only).
 */
export const DEFAULT_MODELS: RunwayModelOptions[] = [
  {
    id: 'gen4.5', model: 'gen4.5', name: 'Gen-4.5', description: "Runway's flagship video model, from a prompt or a first frame.",
    firstFrame: 'optional', ratios: ['1280:720', '720:1280'], durations: [2, 3, 4, 5, 6, 7, 8, 9, 10], creditsPerSecond: 12,
  },
  {
    id: 'veo3.1', model: 'veo3.1', name: 'Veo 3.1', description: "Google's Veo 3.1 on Runway, from a prompt or a first frame, without audio.",
    firstFrame: 'optional', ratios: VEO_RATIOS, durations: [4, 6, 8], creditsPerSecond: 20, negativePrompt: true, input: { audio: false },
  },
  {
    id: 'veo3.1-fast', model: 'veo3.1_fast', name: 'Veo 3.1 Fast', description: "Google's faster Veo 3.1 on Runway, from a prompt or a first frame, without audio.",
    firstFrame: 'optional', ratios: VEO_RATIOS, durations: [4, 6, 8], creditsPerSecond: 10, negativePrompt: true, input: { audio: false },
  },
  {
    id: 'gen4-turbo', model: 'gen4_turbo', name: 'Gen-4 Turbo', description: 'Fast and cheap: animates a first frame, which it requires.',
    firstFrame: 'required', ratios: GEN4_RATIOS, durations: [5, 10], creditsPerSecond: 5,
  },
];

/** Problems plain validation cannot see: two models under one id, durations out of order. */
export function modelOptionProblems(models: RunwayModelOptions[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  models.forEach((m, i) => {
    if (seen.has(m.id)) problems.push(`models.${i}.id "${m.id}" is used twice`);
    seen.add(m.id);
    if (m.durations.some((d, k) => k > 0 && d <= m.durations[k - 1])) problems.push(`models.${i}.durations must be listed shortest first, each once`);
  });
  return problems;
}
