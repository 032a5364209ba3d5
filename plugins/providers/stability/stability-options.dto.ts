import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';

export const STABILITY_BASE_URL = 'https://api.stability.ai';
/** Stability's own rule: ask for an asynchronous result at most once every 10 seconds. */
export const STABILITY_POLL_INTERVAL_MS = 10_000;
export const STABILITY_SD3_MODEL = 'sd3.5-large';
export const STABILITY_UPSCALE_PROMPT = 'a sharp, detailed, high-resolution photograph';

/**
 * An id's options. Stability names its services by endpoint (core, ultra, sd3, the edits and the
 * upscalers); the one model id that moves is the `model` field of generate/sd3, so it is an option.
 */
export class StabilityOptions {
  /** Where the REST API is: a proxy or a fake in tests; default https://api.stability.ai. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  /** The `model` sent to generate/sd3 (sd3.5-large, sd3.5-large-turbo, sd3.5-medium, sd3.5-flash); default sd3.5-large. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'sd3Model must be a Stability model id such as sd3.5-large' })
  sd3Model?: string;

  /** How often the creative upscaler's result is asked for, in milliseconds; default 10000 (Stability's advice). */
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(60_000)
  pollIntervalMs?: number;

  /** The prompt the creative upscaler requires (the upscale operation carries none). */
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'upscalePrompt must not be blank' })
  upscalePrompt?: string;
}

/**
 * What a request may pass under `providerOptions.stability`, for that call only. `searchPrompt` is
 * search-and-replace's alone (it needs one); `growMask` applies to search-and-replace, inpaint and
 * erase, the services that take Stability's `grow_mask`. The other models ignore both.
 */
export class StabilityRequestOptions {
  /** What to find in the image, which search-and-replace repaints from the prompt: its `search_prompt` ("the blue cup"). */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  @Matches(/\S/, { message: 'searchPrompt must not be blank' })
  searchPrompt?: string;

  /** How many pixels the area to change grows by on every side, blurred to hide the seam: `grow_mask`, 0 to 20 (Stability's default: 3 for search-and-replace, 5 for inpaint). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  growMask?: number;
}

/** The platform's key (or an organisation's own): a Stability API key, `sk-...`. */
export class StabilityCredentials {
  @IsString()
  @Matches(/^\S{8,}$/, { message: 'apiKey must be a Stability API key (sk-...)' })
  apiKey!: string;
}
