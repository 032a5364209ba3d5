import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

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

  @ApiPropertyOptional({ description: 'Accepted for compatibility; not stored' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;
}

export class OpenAiImageDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() b64_json?: string;
}

export class OpenAiImagesResponseDto {
  @ApiProperty({ description: 'Unix seconds' }) created!: number;
  @ApiProperty({ type: [OpenAiImageDto] }) data!: OpenAiImageDto[];
}
