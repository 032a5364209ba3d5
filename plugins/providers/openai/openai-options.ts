import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested } from 'class-validator';
import { optionProblems } from '../../../src/plugins';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_MODEL = 'gpt-image-1.5';

const BACKGROUNDS = ['auto', 'opaque', 'transparent'] as const;
const MODERATIONS = ['auto', 'low'] as const;
export type OpenAIBackground = (typeof BACKGROUNDS)[number];
export type OpenAIModeration = (typeof MODERATIONS)[number];

/** US dollars per million tokens of each kind, from OpenAI's price list. */
export class OpenAITokenPrices {
  @IsNumber()
  @Min(0)
  textInput!: number;

  @IsNumber()
  @Min(0)
  imageInput!: number;

  @IsNumber()
  @Min(0)
  imageOutput!: number;
}

/** OpenAI's list prices of gpt-image-1.5 (the default model), in US dollars per million tokens. */
export const GPT_IMAGE_15_TOKEN_PRICES: OpenAITokenPrices = { textInput: 5, imageInput: 8, imageOutput: 32 };

/** An id's options (plugins.providers[].options); every field may be left out. */
export class OpenAIOptions {
  /** The API's root, `/v1` included: a proxy, an OpenAI-compatible server, or the fake in tests. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  /** The OpenAI model every Darkroom model of this id runs: configuration, because OpenAI retires them. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { message: 'model must be an OpenAI model id such as gpt-image-1.5' })
  model?: string;

  /** `transparent` needs png or webp outputs; the gpt-image-2 models refuse it. */
  @IsOptional()
  @IsIn(BACKGROUNDS)
  background?: OpenAIBackground;

  /** Generations only: the edits endpoint takes no moderation level. */
  @IsOptional()
  @IsIn(MODERATIONS)
  moderation?: OpenAIModeration;

  /**
   * How many partial images OpenAI streams before the final one (0 to 3): each reports the job's
   * progress. 0, the default, does not stream: OpenAI bills each partial image as more output tokens.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  partialImages?: number;

  /** What the `model` costs per million tokens, for the cost in dollars each call reports: gpt-image-1.5's by default. */
  @IsOptional()
  @ValidateNested()
  @Type(() => OpenAITokenPrices)
  tokenPrices?: OpenAITokenPrices;
}

/**
 * What one request may pass under `providerOptions.openai`: `background` and `moderation` override
 * the id's options of the same name for that call; `outputCompression` is OpenAI's
 * `output_compression`, for jpeg and webp outputs.
 */
export class OpenAIRequestOptions {
  @IsOptional()
  @IsIn(BACKGROUNDS)
  background?: OpenAIBackground;

  /** Generations only, as the id's option. */
  @IsOptional()
  @IsIn(MODERATIONS)
  moderation?: OpenAIModeration;

  /** 0 to 100: how much OpenAI compresses a jpeg or webp output (100, its default, the least). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  outputCompression?: number;
}

/** The key a call runs with: the platform's, or an organisation's own (BYOK). */
export class OpenAICredentials {
  @IsString()
  @IsNotEmpty()
  apiKey!: string;

  /** Sent as OpenAI-Organization, for keys that belong to several organisations. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  organization?: string;

  /** Sent as OpenAI-Project. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  project?: string;
}

/** The options with their defaults filled in. */
export interface OpenAISettings {
  baseUrl: string;
  model: string;
  background: OpenAIBackground;
  moderation: OpenAIModeration;
  partialImages: number;
  tokenPrices: OpenAITokenPrices;
}

export function openaiSettings(options: Record<string, unknown>): OpenAISettings {
  const o = options as OpenAIOptions;
  return {
    baseUrl: (o.baseUrl ?? OPENAI_BASE_URL).replace(/\/+$/, ''),
    model: o.model ?? OPENAI_DEFAULT_MODEL,
    background: o.background ?? 'auto',
    moderation: o.moderation ?? 'auto',
    partialImages: o.partialImages ?? 0,
    tokenPrices: o.tokenPrices ?? GPT_IMAGE_15_TOKEN_PRICES,
  };
}

/** Every problem with an id's options, the DTO's and the ones between fields. */
export function openaiOptionProblems(options: Record<string, unknown>): string[] {
  const problems = optionProblems(OpenAIOptions, options);
  if (problems.length) return problems;
  const settings = openaiSettings(options);
  const transparency = transparencyProblem(settings.background, settings.model);
  if (transparency) problems.push(transparency);
  return problems;
}

/** The gpt-image-2 models refuse a transparent background: checked at start for an id's option, and per call for a request's. */
export function transparencyProblem(background: OpenAIBackground, model: string): string | undefined {
  return background === 'transparent' && /^gpt-image-2/.test(model) ? `background transparent is refused by ${model}: use auto or opaque` : undefined;
}
