import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ASPECT_RATIOS, SourceImageDto } from '../images/generation.dto';

/** No provider renders more in one request; each model's own lengths are checked against it. */
export const MAX_VIDEO_SECONDS = 20;

export class VideoCreateDto {
  @ApiProperty({ example: 'a lighthouse on a cliff at dusk, waves rolling in', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  prompt!: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'What to leave out' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  negativePrompt?: string;

  @ApiPropertyOptional({ example: 'aura', description: 'A provider id (default: the first configured one that makes videos, aura out of the box)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider?: string;

  @ApiPropertyOptional({ example: 'aura-motion', description: 'A video model of the provider (default: its first)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ enum: ASPECT_RATIOS, description: "Instead of size (default 16:9): the model's size nearest the ratio (aura: 768x432)" })
  @IsOptional()
  @IsIn(ASPECT_RATIOS)
  aspectRatio?: (typeof ASPECT_RATIOS)[number];

  @ApiPropertyOptional({ example: '768x432', description: "WIDTHxHEIGHT, one of the model's sizes (GET /api/v1/providers)" })
  @IsOptional()
  @Matches(/^\d{2,5}x\d{2,5}$/, { message: 'size must look like 768x432' })
  size?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_VIDEO_SECONDS, description: "Seconds, one of the model's lengths (default: the model's own, 2 for aura)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VIDEO_SECONDS)
  durationSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2147483647, description: 'Same seed, same video where the model takes seeds (random when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'object' }, description: "Options for the provider, by its id, as it takes them (requestOptions in GET /api/v1/providers): checked before anything is charged" })
  @IsOptional()
  @IsObject()
  providerOptions?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ type: SourceImageDto, description: 'A first frame to animate, where the model takes one: base64 data, a gallery imageId or a URL' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceImageDto)
  image?: SourceImageDto;

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

export class VideoDto {
  @ApiProperty() id!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty({ example: 'image/webp', description: "The file's type: an animated WebP from aura, video/mp4 from most providers" }) mimeType!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() durationSeconds!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty() prompt!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiPropertyOptional({ description: 'Present, and true, only on what a test API key made (rendered by aura, free); see docs/authentication.md' }) test?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
