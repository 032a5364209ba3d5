import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBase64, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import { LIBRARY_ASSET_TYPES, type LibraryAssetType } from './library-asset.entity';

const MAX_TAGS = 20;
const TAG = /^[^,]{1,50}$/;

/** Tags as a list or one comma-separated string (a form field, a query), trimmed and lowercased. */
const toTags = ({ value }: { value: unknown }): unknown => {
  const items = typeof value === 'string' ? value.split(',') : value;
  return Array.isArray(items) ? [...new Set(items.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : t)).filter((t) => t !== ''))] : items;
};

export class LibrarySearchQueryDto {
  @ApiPropertyOptional({ description: 'Words to look for in titles, tags and prompts (any of them; results ranked). Without it: newest first', maxLength: 500, example: 'red sports car' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  q?: string;

  @ApiPropertyOptional({ enum: LIBRARY_ASSET_TYPES })
  @IsOptional()
  @IsIn(LIBRARY_ASSET_TYPES)
  type?: LibraryAssetType;

  @ApiPropertyOptional({ description: `Comma-separated tags, every one of which a result has (at most ${MAX_TAGS})`, example: 'car,studio', type: String })
  @IsOptional()
  @Transform(toTags)
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @Matches(TAG, { each: true, message: 'each tag has 1 to 50 characters' })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Results per page', minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

class AssetFieldsDto {
  @ApiPropertyOptional({ description: 'Up to 20 tags (1 to 50 characters each; stored lowercased); a form takes them comma-separated', type: [String], example: ['car', 'red'] })
  @IsOptional()
  @Transform(toTags)
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @Matches(TAG, { each: true, message: 'each tag has 1 to 50 characters' })
  tags?: string[];
}

export class LibraryPromoteDto extends AssetFieldsDto {
  @ApiProperty({ description: 'An image of the organisation’s gallery; its file is copied into the library' })
  @IsUUID()
  imageId!: string;

  @ApiPropertyOptional({ description: 'Default: the image’s prompt, trimmed to 200 characters', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;
}

export class AssetFileDataDto {
  @ApiProperty({ description: 'The file as base64 (a form sends it as the file part `image`)' })
  @IsBase64()
  data!: string;
}

export class LibraryIngestDto extends AssetFieldsDto {
  @ApiProperty({ type: [AssetFileDataDto], description: 'The file, read from the form part `image`' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1)
  @ValidateNested({ each: true })
  @Type(() => AssetFileDataDto)
  file!: AssetFileDataDto[];

  @ApiProperty({ enum: LIBRARY_ASSET_TYPES })
  @IsIn(LIBRARY_ASSET_TYPES)
  type!: LibraryAssetType;

  @ApiProperty({ maxLength: 200, example: 'Red sports car, studio light' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'CC-BY-4.0', description: 'Free text: an SPDX id, "internal", a contract reference' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  licence?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'What the asset shows, in the words a prompt would use; searched like the title' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  prompt?: string;
}

/** The multipart form of POST /api/v1/admin/library/assets, for the OpenAPI document. */
export class LibraryIngestFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file (up to 20 MB): PNG, JPEG, WebP or AVIF for an image; MP4, WebM or animated WebP for a video' })
  image!: unknown;

  @ApiProperty({ enum: LIBRARY_ASSET_TYPES }) type!: string;
  @ApiProperty({ maxLength: 200 }) title!: string;
  @ApiPropertyOptional({ description: 'Comma-separated, up to 20', example: 'car,red' }) tags?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'CC-BY-4.0' }) licence?: string;
  @ApiPropertyOptional({ maxLength: 4000 }) prompt?: string;
}

export class LibraryAssetDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: LIBRARY_ASSET_TYPES }) type!: LibraryAssetType;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ nullable: true, type: String }) prompt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'CC-BY-4.0' }) licence!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Null for an MP4 or WebM video' }) width!: number | null;
  @ApiProperty({ nullable: true, type: Number }) height!: number | null;
  @ApiProperty({ example: 'png', description: 'png, jpeg, webp, avif, mp4 or webm' }) format!: string;
  @ApiProperty({ enum: ['installation', 'organization'], description: 'installation: curated by the operators; organization: your own' }) owner!: 'installation' | 'organization';
  @ApiProperty({ description: 'A signed, expiring download link (no credentials needed)' }) url!: string;
  @ApiProperty() createdAt!: string;
}

export class LibraryResultDto extends LibraryAssetDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Relevance to q, higher is better, comparable within one search only; null without q' })
  score!: number | null;
}

export class LibrarySearchPageDto {
  @ApiProperty({ type: [LibraryResultDto] }) data!: LibraryResultDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= (with the same q, type and tags) for the next page; null on the last' })
  nextCursor!: string | null;
}
