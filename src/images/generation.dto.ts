import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CursorQueryDto } from '../common/pagination';
import { MAX_TARGETS } from '../providers/provider-router';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
export const FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;

export const MAX_IMAGES_PER_REQUEST = 4;
/** An edit's sources: as many as the most any model takes (OpenAI's 16), within one bound on their bytes in all. */
export const MAX_SOURCES = 16;
export const MAX_SOURCES_MB = 40;

/**
 * A request's work units for the daily quota: the images it asks for. The guard reads it before
 * validation, so an invalid `n` (refused a moment later) counts 1, not its face value.
 */
export const imagesAsked = (body: unknown): number => {
  const n = Number((body as { n?: unknown } | undefined)?.n ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= MAX_IMAGES_PER_REQUEST ? n : 1;
};

/** What generations and edits both take. */
export class ImageRequestDto {
  @ApiProperty({ example: 'a calm ocean at sunset, golden light', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  prompt!: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'What to leave out' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  negativePrompt?: string;

  @ApiPropertyOptional({ example: 'watercolor', description: "One of the provider's styles (GET /api/v1/providers)" })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  style?: string;

  @ApiPropertyOptional({ enum: ASPECT_RATIOS, description: "Instead of size; 1:1 is 1024x1024, 16:9 1024x576, or the model's own size nearest the ratio (Stability's and FLUX's 16:9 is 1344x768)" })
  @IsOptional()
  @IsIn(ASPECT_RATIOS)
  aspectRatio?: (typeof ASPECT_RATIOS)[number];

  @ApiPropertyOptional({ example: '1024x768', description: "WIDTHxHEIGHT, one of the provider's sizes" })
  @IsOptional()
  @Matches(/^\d{2,5}x\d{2,5}$/, { message: 'size must look like 1024x768' })
  size?: string;

  @ApiPropertyOptional({ enum: FORMATS, default: 'png' })
  @IsOptional()
  @IsIn(FORMATS)
  format?: (typeof FORMATS)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_IMAGES_PER_REQUEST, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_IMAGES_PER_REQUEST)
  n?: number;

  @ApiPropertyOptional({ example: 'aura', description: 'A provider id (default: the first configured one that can do the operation, aura out of the box)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({ example: 'aura', description: 'A model id of the provider (default: its first model that can do the operation)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({
    type: [String], example: ['stability/core', 'aura'], maxItems: MAX_TARGETS - 1,
    description: "Targets to fall back to, in order, when the provider fails in a way another might not (5xx, timeout, rate limit, a refused or spent key): `provider/model`, or a provider id for its default model. Naming a provider, a model or fallbacks overrides the organisation's routing policy",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TARGETS - 1)
  @IsString({ each: true })
  @MaxLength(140, { each: true })
  fallback?: string[];

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'object' }, example: { openai: { background: 'transparent' } },
    description: "Options for one provider or several, by provider id, each as that provider takes them (docs/providers.md): checked before anything is charged, and given to a provider only when the request runs on it",
  })
  @IsOptional()
  @IsObject()
  providerOptions?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ minimum: 0, maximum: 2147483647, description: 'Same seed, same image (random when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;

  @ApiPropertyOptional({ description: 'Up to 16 string values, returned with the job', type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'https://example.com/hooks/job-done',
    maxLength: 2048,
    description: "Receives the job's final event (job.completed, job.failed or job.canceled), signed with the organisation's default webhook secret. Must resolve to a public address",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  webhookUrl?: string;
}


export class GenerationCreateDto extends ImageRequestDto {
  @ApiPropertyOptional({ description: "Look in the asset library first (GET /api/v1/library/search): an asset that covers the prompt well enough (LIBRARY_MATCH_THRESHOLD) answers at once, for LIBRARY_PRICE credits, else the route generates. Default: as the organisation's routing policy for generate says (a first target `library`). Generations of one image only" })
  @IsOptional()
  @IsBoolean()
  libraryFirst?: boolean;

  @ApiPropertyOptional({ description: 'Always generate, even when the routing policy is library-first' })
  @IsOptional()
  @IsBoolean()
  forceGenerate?: boolean;
}

export class GalleryImageDto {
  @ApiProperty() id!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() format!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty() prompt!: string;
  @ApiProperty({ nullable: true, type: String }) style!: string | null;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty() seed!: number;
  @ApiPropertyOptional({ description: 'Present, and true, only on what a test API key made (rendered by aura, free); see docs/authentication.md' }) test?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class GalleryQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: "true: only what test keys made; false: only the rest; omitted: both" })
  @IsOptional()
  @IsIn(['true', 'false'])
  test?: 'true' | 'false';
}

export class GalleryPageDto {
  @ApiProperty({ type: [GalleryImageDto] }) data!: GalleryImageDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
  @ApiProperty({ description: 'Images in the gallery in all' }) total!: number;
}

export class SourceImageDto {
  @ApiPropertyOptional({ description: 'The image as base64 (no data: prefix)' })
  @IsOptional()
  @IsString()
  data?: string;

  @ApiPropertyOptional({ example: 'image/png', description: 'With data: image/png, image/jpeg, image/webp or image/avif' })
  @IsOptional()
  @IsIn(['image/png', 'image/jpeg', 'image/webp', 'image/avif'])
  mimeType?: string;

  @ApiPropertyOptional({ description: 'Instead of data: an image of your gallery' })
  @IsOptional()
  @IsUUID()
  imageId?: string;

  @ApiPropertyOptional({ example: 'https://example.com/product.jpg', maxLength: 2048, description: 'Instead of data: an http(s) URL to download the image from (public addresses only)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;
}

export class EditCreateDto extends ImageRequestDto {
  @ApiProperty({ type: [SourceImageDto], maxItems: MAX_SOURCES, description: `1 to ${MAX_SOURCES} source images, ${MAX_SOURCES_MB} MB in all, as many as the model takes (its maxSourceImages in GET /api/v1/providers; aura blends two)` })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => SourceImageDto)
  images!: SourceImageDto[];

  @ApiPropertyOptional({ type: SourceImageDto, description: 'A PNG with an alpha channel, the size of the first image: its fully transparent pixels are the area to change, the rest is kept. For models that take a mask (mask: true in GET /api/v1/providers)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceImageDto)
  mask?: SourceImageDto;
}

/** The multipart form of POST /api/v1/images/edits, for the OpenAPI document: the sources as files. */
export class EditFormDto extends OmitType(ImageRequestDto, ['metadata', 'providerOptions']) {
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1, maxItems: MAX_SOURCES, description: `1 to ${MAX_SOURCES} image files, each up to 20 MB and ${MAX_SOURCES_MB} MB in all (also accepted as image or images[]), as many as the model takes` })
  images!: unknown[];

  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'A PNG mask the size of the first image: its transparent pixels are the area to change' })
  mask?: unknown;

  @ApiPropertyOptional({ example: '{"openai":{"background":"transparent"}}', description: 'providerOptions as a JSON object' })
  providerOptions?: string;

  @ApiPropertyOptional({ example: '{"sku":"A-100"}', description: 'A JSON object of up to 16 string values, returned with the job' })
  metadata?: string;
}
