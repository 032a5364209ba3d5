import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
export const FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;

export const MAX_IMAGES_PER_REQUEST = 4;

/**
 * A request's work units for the daily quota: the images it asks for. The guard reads it before
 * validation, so an invalid `n` (refused a moment later) counts 1, not its face value.
 */
export const imagesAsked = (body: unknown): number => {
  const n = Number((body as { n?: unknown } | undefined)?.n ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= MAX_IMAGES_PER_REQUEST ? n : 1;
};

export class GenerationCreateDto {
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

  @ApiPropertyOptional({ enum: ASPECT_RATIOS, description: 'Instead of size; 1:1 is 1024x1024 (capped by the plan)' })
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

  @ApiPropertyOptional({ example: 'aura', description: 'A provider id (default: aura)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({ example: 'aura', description: "A model id of the provider (default: its first)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

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

const WEBHOOK_SECRET_DESCRIPTION = "The organisation's default webhook secret, in the response of the request that created it (the first with a webhookUrl) only";

export class ImageOutputDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() format!: string;
  @ApiProperty() bytes!: number;
}

export class JobErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class JobDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['images.generate', 'images.edit'] }) type!: string;
  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] }) status!: string;
  @ApiProperty({ type: [ImageOutputDto] }) outputs!: ImageOutputDto[];
  @ApiProperty({ description: 'Credits charged (held while running, 0 unless completed)' }) cost!: number;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error!: JobErrorDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true }) metadata!: Record<string, string> | null;
  @ApiPropertyOptional({ description: 'Processing jobs only: true once a cancel was asked; the job then stops and ends canceled, its credits released' })
  cancelRequested?: boolean;
  @ApiProperty({ type: String, nullable: true, description: "The end user it was made for: the client token's sub, or the x-user-id header" }) endUserId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The client token's limits.sku, when a client token created it" }) sku!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ description: "The job's own webhook URL, if it has one" }) webhookUrl?: string;
  @ApiPropertyOptional({ description: WEBHOOK_SECRET_DESCRIPTION }) webhookSecret?: string;
}

export class JobAcceptedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] }) status!: string;
  @ApiProperty({ description: 'Seconds the job is expected to take' }) estimatedTime!: number;
  @ApiProperty() creditsBalance!: number;
  @ApiPropertyOptional({ description: WEBHOOK_SECRET_DESCRIPTION }) webhookSecret?: string;
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
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class GalleryPageDto {
  @ApiProperty({ type: [GalleryImageDto] }) data!: GalleryImageDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
  @ApiProperty({ description: 'Images in the gallery in all' }) total!: number;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] }) data!: JobDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
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

export class EditCreateDto extends GenerationCreateDto {
  @ApiProperty({ type: [SourceImageDto], description: '1 or 2 source images; two are blended' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => SourceImageDto)
  images!: SourceImageDto[];
}

/** The multipart form of POST /api/v1/images/edits, for the OpenAPI document: the sources as files. */
export class EditFormDto extends OmitType(GenerationCreateDto, ['metadata']) {
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1, maxItems: 2, description: '1 or 2 image files, each up to 20 MB (also accepted as image or images[]); two are blended' })
  images!: unknown[];

  @ApiPropertyOptional({ example: '{"sku":"A-100"}', description: 'A JSON object of up to 16 string values, returned with the job' })
  metadata?: string;
}
