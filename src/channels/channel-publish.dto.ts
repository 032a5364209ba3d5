import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';
import { SlotReportDto } from '../studio/compliance/compliance.dto';
import { PUBLISH_COMPLIANCE_MODES, PUBLISH_STATUSES, type PublishComplianceMode } from './channel-publish.entity';

export class PublishDto {
  @ApiProperty({ description: 'The store connection' })
  @IsUUID()
  connectionId!: string;

  @ApiPropertyOptional({ description: 'The synced product (GET .../products); give productId or sku' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ example: 'MUG-7', maxLength: 100, description: "Instead of productId: the synced product with a variant of this SKU (exactly, whatever the case); that variant shows the image" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sku?: string;

  @ApiPropertyOptional({ description: 'The gallery image to publish; give imageId or sourceImageExternalId' })
  @IsOptional()
  @IsUUID()
  imageId?: string;

  @ApiPropertyOptional({
    maxLength: 255,
    description: "Instead of imageId: the store's id of one of the product's own images (GET .../products), downloaded as the source; unless replaceImageId says otherwise, what is published replaces it in its place",
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  sourceImageExternalId?: string;

  @ApiPropertyOptional({
    enum: PUBLISH_COMPLIANCE_MODES,
    default: 'refuse',
    description: "Held against the connection's rule pack (its slot for the target slot): refuse answers 422 compliance_failed for an image that fails it; fix makes it pass first (STUDIO_PRICE_COMPLIANCE_FIX credits, only when it needed fixing) and publishes the fixed image; skip checks nothing. A connection without a rule pack checks nothing",
  })
  @IsOptional()
  @IsIn(PUBLISH_COMPLIANCE_MODES)
  compliance?: PublishComplianceMode;

  @ApiPropertyOptional({ example: 'main', description: "One of the channel's image slots (GET /api/v1/channels); default main" })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'slot must be a slot id of the channel' })
  slot?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: "The 1-based position among the product's images; absent: after the slot's last image" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  position?: number;

  @ApiPropertyOptional({ maxLength: 255, description: "The store's id of an image to replace (its position and variants go to the new one)" })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  replaceImageId?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Alt text, where the store keeps one' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  alt?: string;

  @ApiPropertyOptional({ description: 'Answer what would be sent, without sending or recording anything' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class PlanComplianceDto {
  @ApiProperty({ enum: PUBLISH_COMPLIANCE_MODES }) mode!: PublishComplianceMode;
  @ApiProperty({ type: SlotReportDto, nullable: true, description: "The source held against the rule pack's slot for the target slot; null with skip or a connection without a rule pack" })
  report!: SlotReportDto | null;
  @ApiProperty({ enum: ['publish', 'refuse', 'fix'], description: 'What a real publish would do: publish the source as it is, refuse it (422 compliance_failed), or fix it first (and charge the fix)' })
  outcome!: 'publish' | 'refuse' | 'fix';
}

export class PublishPlanDto {
  @ApiProperty() connectionId!: string;
  @ApiProperty({ example: 'shopify' }) channel!: string;
  @ApiProperty({ description: "The store's product id" }) productExternalId!: string;
  @ApiPropertyOptional({ description: "The variant that will show the image (with sku)" }) variantExternalId?: string;
  @ApiProperty() productTitle!: string;
  @ApiProperty() slot!: string;
  @ApiPropertyOptional() position?: number;
  @ApiPropertyOptional() replaceImageId?: string;
  @ApiPropertyOptional() alt?: string;
  @ApiPropertyOptional({ description: 'The gallery image' }) imageId?: string;
  @ApiPropertyOptional({ description: "The product's store image used as the source" }) sourceImageExternalId?: string;
  @ApiProperty({ description: "The source's width" }) width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() format!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty({ type: PlanComplianceDto }) compliance!: PlanComplianceDto;
  @ApiPropertyOptional({ enum: [true], description: 'Present when a test API key asked: test keys never publish, so the request was answered as its dry run' }) dryRun?: true;
  @ApiPropertyOptional({ example: 'test keys never publish', description: 'Why it was answered as a dry run' }) reason?: string;
}

export class ActivityQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'Only this connection’s publishes' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;
}

class PublishErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class PublishReportsDto {
  @ApiProperty({ type: SlotReportDto }) before!: SlotReportDto;
  @ApiPropertyOptional({ type: SlotReportDto }) after?: SlotReportDto;
}

export class ActivityDto {
  @ApiProperty() id!: string;
  @ApiProperty() connectionId!: string;
  @ApiProperty() productExternalId!: string;
  @ApiProperty() productTitle!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The gallery image published (null when the source was a store image)' }) imageId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The product's store image used as the source" }) sourceImageExternalId!: string | null;
  @ApiProperty({ enum: PUBLISH_COMPLIANCE_MODES, description: 'The compliance mode asked' }) compliance!: PublishComplianceMode;
  @ApiProperty({ type: PublishReportsDto, nullable: true, description: 'The source against the rule pack (before), and the fixed image (after, with fix); null when nothing was checked' })
  report!: PublishReportsDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'The gallery image the fix made, which was published' }) fixedImageId!: string | null;
  @ApiProperty() slot!: string;
  @ApiProperty({ type: Number, nullable: true }) position!: number | null;
  @ApiProperty({ type: String, nullable: true }) replaceImageExternalId!: string | null;
  @ApiProperty({ enum: PUBLISH_STATUSES, description: 'queued, sending, pending (the store is processing it), published or failed' }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: "The store's id of the image, once published" }) externalImageId!: string | null;
  @ApiProperty({ description: 'Times it was sent' }) attempts!: number;
  @ApiProperty({ type: PublishErrorDto, nullable: true, description: 'The last error (a retry may follow while the status is not failed)' }) error!: PublishErrorDto | null;
  @ApiProperty({ description: 'The job that sends it (GET /api/v1/jobs/:id)' }) jobId!: string;
  @ApiProperty({ description: 'The credential that asked for it' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ActivityPageDto {
  @ApiProperty({ type: [ActivityDto] }) data!: ActivityDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
