import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** The most images one bulk fix sends: each is a child job of its batch. */
export const MAX_BULK_FIX_IMAGES = 500;

export class BulkFixDto {
  @ApiPropertyOptional({ example: 'mug', maxLength: 100, description: 'Only failing products whose title or a variant’s SKU contains it, whatever the case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_BULK_FIX_IMAGES, description: 'Only these synced products (ids from GET .../products)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BULK_FIX_IMAGES)
  @IsUUID('all', { each: true })
  productIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BULK_FIX_IMAGES, default: 100, description: 'The most failing images to fix in this call (the rest stay failing for the next one)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BULK_FIX_IMAGES)
  limit?: number;

  @ApiPropertyOptional({ description: 'Answer which images would be fixed, without fixing or charging anything' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class BulkFixImageDto {
  @ApiProperty({ description: 'The synced product' }) productId!: string;
  @ApiProperty() productTitle!: string;
  @ApiProperty({ description: "The store's id of the failing image, which its fixed version replaces" }) imageExternalId!: string;
  @ApiProperty({ description: '1-based, among the product’s images' }) position!: number;
  @ApiProperty({ example: 'main', description: 'The channel slot it sits in' }) slot!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Its alt text, which the fixed image keeps' }) alt!: string | null;
  @ApiProperty({ type: [String], example: ['min-width'], description: 'The rules it fails' }) failingRules!: string[];
}

export class BulkFixPlanDto {
  @ApiProperty({ type: [BulkFixImageDto], description: 'The images a fix would replace, in product order' }) images!: BulkFixImageDto[];
  @ApiProperty({ description: 'Failing images matching the filter beyond `limit`, left for another call' }) more!: boolean;
  @ApiPropertyOptional({ enum: [true], description: 'Present when a test API key asked: test keys never publish, so the request was answered as its dry run' }) dryRun?: true;
  @ApiPropertyOptional({ example: 'test keys never publish', description: 'Why it was answered as a dry run' }) reason?: string;
}
