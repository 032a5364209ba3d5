import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested,
} from 'class-validator';

/** The Gemini API's root, without the version (the client adds `/v1beta`). */
export const GOOGLE_API = 'https://generativelanguage.googleapis.com';

/** `gemini`: an image model answering generateContent with the image inline; `imagen`: an Imagen model's `:predict`. */
export type GoogleApi = 'gemini' | 'imagen';

/** Source images a Gemini image model takes by default, and the most any takes (Gemini 3 Pro Image's reference images). */
export const GEMINI_SOURCE_IMAGES = 3;
export const GEMINI_MOST_SOURCE_IMAGES = 14;

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
export const IMAGE_SIZES = ['1K', '2K', '4K'];

/** What Google is asked for to render one WIDTHxHEIGHT: an aspect ratio, and for models that take it a resolution tier. */
export interface GoogleSize {
  aspectRatio: string;
  imageSize?: string;
}

/** One Darkroom model served by a Google model; the Google id is configuration, since Google retires them. */
export class GoogleModelOptions {
  /** What requests name: lower-case letters, digits, dots and dashes. */
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/, { message: 'id must be lower-case letters, digits, dots and dashes' })
  id!: string;

  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() description?: string;

  /** Google's model id (gemini-2.5-flash-image, imagen-4.0-generate-001, ...). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'model must be a Google model id such as gemini-2.5-flash-image' })
  model!: string;

  @IsIn(['gemini', 'imagen'])
  api!: GoogleApi;

  /** generate and/or edit (gemini); imagen models only generate. Default: all the api can do. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(['generate', 'edit'], { each: true })
  operations?: Array<'generate' | 'edit'>;

  /** WIDTHxHEIGHT -> { aspectRatio, imageSize? }: the pixel size each aspect ratio renders at. Default: the api's five ratios at 1K. */
  @IsOptional() @IsObject()
  sizes?: Record<string, GoogleSize>;

  /**
   * Edits: how many source images one request sends, as inline parts. Default 3: Gemini 2.5 Flash
   * Image's limit (Vertex AI's model card says at most 3 a prompt; the Gemini API docs only that it
   * "works best" with up to 3, so NC there). Gemini 3 Pro Image and 3.1 Flash Image take up to 14.
   */
  @IsOptional() @IsInt() @Min(1) @Max(GEMINI_MOST_SOURCE_IMAGES)
  maxSourceImages?: number;

  /** Imagen renders up to 4 images per call; a Gemini image model one. */
  @IsOptional() @IsInt() @Min(1) @Max(4)
  maxImagesPerCall?: number;

  /** Platform credits per image. */
  @IsInt() @Min(1)
  credits!: number;

  /** Google's list price per image in US dollars, recorded as the provider's cost. */
  @IsOptional() @IsNumber() @Min(0)
  usdPerImage?: number;
}

export class GoogleOptions {
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => GoogleModelOptions)
  models?: GoogleModelOptions[];
}

/** A Gemini API key (GEMINI_API_KEY), sent as x-goog-api-key. */
export class GoogleCredentials {
  @IsString() @IsNotEmpty()
  apiKey!: string;
}

/** Gemini 2.5 Flash Image's renderings at 1K (ai.google.dev image generation docs). */
export const GEMINI_SIZES: Record<string, GoogleSize> = {
  '1024x1024': { aspectRatio: '1:1' },
  '864x1184': { aspectRatio: '3:4' },
  '1184x864': { aspectRatio: '4:3' },
  '768x1344': { aspectRatio: '9:16' },
  '1344x768': { aspectRatio: '16:9' },
};

/** Imagen 4's renderings at 1K. */
export const IMAGEN_SIZES: Record<string, GoogleSize> = {
  '1024x1024': { aspectRatio: '1:1' },
  '896x1280': { aspectRatio: '3:4' },
  '1280x896': { aspectRatio: '4:3' },
  '768x1408': { aspectRatio: '9:16' },
  '1408x768': { aspectRatio: '16:9' },
};

/**
 * The default: Gemini 2.5 Flash Image ("nano banana"), which generates and edits. Imagen is left
 * out: Google shut the Imagen models down on the Gemini API in 2026, and an id can still configure
 * one where it is served.
 */
export const DEFAULT_MODELS: GoogleModelOptions[] = [
  {
    id: 'gemini-2.5-flash-image',
    name: 'Gemini 2.5 Flash Image',
    description: 'Google\'s Gemini image model ("nano banana"): text to image, and edits of source images from an instruction.',
    model: 'gemini-2.5-flash-image',
    api: 'gemini',
    credits: 4,
    usdPerImage: 0.039,
  },
];

/** A model's settings with its defaults filled in. */
export interface GoogleModel extends GoogleModelOptions {
  operations: Array<'generate' | 'edit'>;
  sizes: Record<string, GoogleSize>;
  maxImagesPerCall: number;
  maxSourceImages: number;
}

export function googleModel(m: GoogleModelOptions): GoogleModel {
  return {
    ...m,
    operations: m.operations ?? (m.api === 'gemini' ? ['generate', 'edit'] : ['generate']),
    sizes: m.sizes ?? (m.api === 'gemini' ? GEMINI_SIZES : IMAGEN_SIZES),
    maxImagesPerCall: m.maxImagesPerCall ?? (m.api === 'imagen' ? 4 : 1),
    maxSourceImages: m.maxSourceImages ?? GEMINI_SOURCE_IMAGES,
  };
}

const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;

/** What class-validator cannot say about the models: the size map, what each api can do, unique ids. */
export function modelOptionProblems(models: GoogleModelOptions[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, m] of models.entries()) {
    const at = `models.${i}`;
    if (ids.has(m.id)) problems.push(`${at}.id "${m.id}" is used twice`);
    ids.add(m.id);
    if (m.api === 'imagen' && m.operations?.includes('edit')) problems.push(`${at}: imagen models cannot edit on the Gemini API`);
    if (m.api === 'gemini' && (m.maxImagesPerCall ?? 1) > 1) problems.push(`${at}.maxImagesPerCall: a Gemini image model answers one image per call`);
    if (m.maxSourceImages !== undefined && !googleModel(m).operations.includes('edit')) problems.push(`${at}.maxSourceImages is for models that edit`);
    if (m.sizes === undefined) continue;
    const entries = Object.entries(m.sizes);
    if (!entries.length) problems.push(`${at}.sizes must map WIDTHxHEIGHT keys to { aspectRatio, imageSize? }`);
    for (const [size, asked] of entries) {
      if (!SIZE.test(size)) problems.push(`${at}.sizes: "${size}" is not WIDTHxHEIGHT`);
      if (!ASPECT_RATIOS.includes(asked?.aspectRatio)) problems.push(`${at}.sizes.${size}.aspectRatio must be one of ${ASPECT_RATIOS.join(', ')}`);
      if (asked?.imageSize !== undefined && !IMAGE_SIZES.includes(asked.imageSize)) problems.push(`${at}.sizes.${size}.imageSize must be one of ${IMAGE_SIZES.join(', ')}`);
      const extra = Object.keys(asked ?? {}).filter((k) => k !== 'aspectRatio' && k !== 'imageSize');
      if (extra.length) problems.push(`${at}.sizes.${size} takes aspectRatio and imageSize, not ${extra.join(', ')}`);
    }
  }
  return problems;
}
