import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ActivityDto, PublishPlanDto } from './channel-publish.dto';

/** The most stores one listing call publishes to. */
export const MAX_LISTING_CONNECTIONS = 20;
export const LISTING_COMPLIANCE_MODES = ['fix', 'refuse', 'skip'] as const;

export class ListingImagesDto {
  @ApiProperty({ description: 'The gallery image to check, fix and publish' })
  @IsUUID()
  imageId!: string;

  @ApiProperty({ example: 'MUG-7', maxLength: 100, description: 'The SKU of the product at every store (synced: GET .../products)' })
  @IsString()
  @MaxLength(100)
  sku!: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_LISTING_CONNECTIONS, description: 'The store connections to publish to' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LISTING_CONNECTIONS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  connectionIds!: string[];

  @ApiPropertyOptional({ example: 'main', description: "The channel slot at every store (each channel's slots: GET /api/v1/channels); default main" })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'slot must be a slot id of the channels' })
  slot?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Alt text, where the store keeps one' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  alt?: string;

  @ApiPropertyOptional({ enum: LISTING_COMPLIANCE_MODES, default: 'fix', description: "Per store, against its connection's rule pack: fix a failing image first (default), refuse to publish it, or skip the check" })
  @IsOptional()
  @IsIn(LISTING_COMPLIANCE_MODES)
  compliance?: (typeof LISTING_COMPLIANCE_MODES)[number];
}

export class ListingTargetDto {
  @ApiProperty() connectionId!: string;
  @ApiProperty({ description: 'The publish job for this store (GET /api/v1/jobs/:id)' }) jobId!: string;
  @ApiProperty({ example: 'completed', description: "The publish job's status" }) jobStatus!: string;
  @ApiProperty({ type: ActivityDto, description: "Its activity entry: the store's status, the compliance reports, the fixed image, the store's image id or the error" }) publish!: ActivityDto;
}

export class ListingResultDto {
  @ApiProperty({ description: 'The batch job holding one publish per store; GET /api/v1/listings/images/:jobId answers this again' }) jobId!: string;
  @ApiProperty({ example: 'completed', description: 'The batch’s status: completed once every store’s publish ended, whatever each one’s outcome' }) status!: string;
  @ApiProperty({ type: [ListingTargetDto], description: 'One per connection, in the order asked' }) results!: ListingTargetDto[];
}

/** A test key's listing call: what each store's publish would send, nothing queued or sent. */
export class ListingPlanDto {
  @ApiProperty({ enum: [true] }) dryRun!: true;
  @ApiProperty({ example: 'test keys never publish' }) reason!: string;
  @ApiProperty({ type: [PublishPlanDto], description: 'One per connection, in the order asked, as a dry run of POST /api/v1/channels/publish answers it' }) plans!: PublishPlanDto[];
}
