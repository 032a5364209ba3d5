import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { MAX_SOURCES, MAX_SOURCES_MB, SourceImageDto } from './generation.dto';

/** The body of OpenAI's images.generate, as far as Darkroom can honour it. */
export class OpenAiGenerationDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  prompt!: string;

  @ApiPropertyOptional({ example: 'aura', description: "A provider's model id; unknown ids answer 400 invalid_model" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  n?: number;

  @ApiPropertyOptional({ example: '1024x1024', description: "WIDTHxHEIGHT from the provider's sizes, or auto (1024x1024)" })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  size?: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; Darkroom providers have one quality' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  quality?: string;

  @ApiPropertyOptional({ enum: ['url', 'b64_json'], default: 'url' })
  @IsOptional()
  @IsIn(['url', 'b64_json'])
  response_format?: 'url' | 'b64_json';

  @ApiPropertyOptional({ enum: ['png', 'jpeg', 'webp'], default: 'png' })
  @IsOptional()
  @IsIn(['png', 'jpeg', 'webp'])
  output_format?: 'png' | 'jpeg' | 'webp';

  @ApiPropertyOptional({ enum: ['vivid', 'natural'], description: 'vivid renders as digital-art, natural as realistic' })
  @IsOptional()
  @IsIn(['vivid', 'natural'])
  style?: 'vivid' | 'natural';

  @ApiPropertyOptional({ enum: ['auto', 'opaque', 'transparent'], description: "Passed to providers that take a background option (openai); transparent on another answers 400 validation_failed" })
  @IsOptional()
  @IsIn(['auto', 'opaque', 'transparent'])
  background?: 'auto' | 'opaque' | 'transparent';

  @ApiPropertyOptional({ description: 'Accepted for compatibility; not stored' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;
}

/**
 * The form of OpenAI's images.edit. Its files reach validation as base64 sources (common/http/multipart-form.ts),
 * so `image` is documented as files and checked as sources.
 */
export class OpenAiEditDto extends OmitType(OpenAiGenerationDto, ['style']) {
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1, maxItems: MAX_SOURCES, description: `The image to edit (image), or up to ${MAX_SOURCES} (image[]) as the model takes; PNG, JPEG, WebP or AVIF, up to 20 MB each and ${MAX_SOURCES_MB} MB in all` })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => SourceImageDto)
  image!: SourceImageDto[];

  @ApiPropertyOptional({ type: 'string', format: 'binary', description: "A PNG the size of the first image whose transparent pixels are the area to change, for models that take a mask" })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceImageDto)
  mask?: SourceImageDto;
}

export class OpenAiImageDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() b64_json?: string;
}

export class OpenAiImagesResponseDto {
  @ApiProperty({ description: 'Unix seconds' }) created!: number;
  @ApiProperty({ type: [OpenAiImageDto] }) data!: OpenAiImageDto[];
}
