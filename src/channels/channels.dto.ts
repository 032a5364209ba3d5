import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';
import { CONNECTION_STATUSES } from './channel-connection.entity';
import { COMPLIANCE_STATES, type ComplianceState } from './channel-product.entity';

export class ChannelSlotDto {
  @ApiProperty({ example: 'main' }) id!: string;
  @ApiProperty({ example: 'Main image' }) name!: string;
  @ApiProperty({ example: 1, description: 'The image position its first image takes' }) firstPosition!: number;
  @ApiPropertyOptional({ example: 1, description: 'How many images it holds, when the store limits it' }) maxImages?: number;
}

export class ChannelDto {
  @ApiProperty({ example: 'shopify', description: 'What a connection names as its channel' }) id!: string;
  @ApiProperty({ example: 'Shopify' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], example: ['shopDomain', 'accessToken'], description: 'The fields a connection’s credentials take' }) credentialFields!: string[];
  @ApiProperty({ type: [ChannelSlotDto], description: 'Where a product’s images go at this store' }) imageSlots!: ChannelSlotDto[];
  @ApiProperty({ type: String, nullable: true, example: 'shopify', description: 'The rule pack (GET /api/v1/marketplaces) a new connection is checked against unless it names another' }) defaultRulePack!: string | null;
  @ApiProperty({ description: 'Whether the store sends webhooks Darkroom acts on (a connection’s webhookUrl)' }) receivesWebhooks!: boolean;
}

export class ChannelListDto {
  @ApiProperty({ type: [ChannelDto] }) data!: ChannelDto[];
}

export class ConnectionCreateDto {
  @ApiProperty({ example: 'shopify', description: 'A channel id from GET /api/v1/channels' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,31}$/, { message: 'channel must be a channel id from GET /api/v1/channels' })
  channel!: string;

  @ApiProperty({ example: 'EU store', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { shopDomain: 'example.myshopify.com', accessToken: 'shpat_…' }, description: "The store's credentials, in the fields the channel lists (credentialFields); checked against the store, then kept encrypted and never shown again" })
  @IsObject()
  credentials!: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'amazon', description: "The rule pack (GET /api/v1/marketplaces) its product images are checked against; null: none. Default: the channel's defaultRulePack" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  rulePack?: string | null;
}

export class ConnectionUpdateDto {
  @ApiPropertyOptional({ example: 'EU store', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'amazon', description: 'Another rule pack, or null for none: every image is checked again by the scan after the next sync' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  rulePack?: string | null;
}

export class ConnectionWebhookSecretDto {
  @ApiProperty({ example: 'https://darkroom.example/api/v1/channels/webhooks/…', description: "Where the store sends the connection's webhooks" }) webhookUrl!: string;
  @ApiProperty({ example: 'whsec_…', description: 'What the store signs them with, shown this once: paste it into the store’s webhook settings (Shopify signs with its app secret instead)' }) webhookSecret!: string;
}

export class ConnectionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'shopify' }) channel!: string;
  @ApiProperty({ example: 'EU store' }) name!: string;
  @ApiProperty({ enum: CONNECTION_STATUSES, description: 'active; disabled (by you); needs_attention (its credentials stopped working at the last check: see lastError)' }) status!: string;
  @ApiProperty({ example: 'example.myshopify.com', description: 'The store, as it names itself' }) accountName!: string;
  @ApiProperty({ description: 'The store’s stable id (shop domain, seller id)' }) accountId!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { accessToken: '…9f2c' }, description: 'The last four characters of each credential field' }) credentialHint!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, description: "The store's message when the last check failed" }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) lastCheckedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the last complete sync started; the next one asks the store only for products updated since' }) lastSyncedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'shopify', description: 'The rule pack its product images are checked against; null: none' }) rulePack!: string | null;
  @ApiProperty({ description: "Where the store sends this connection's webhooks (signed with the secret shown when it was made or rotated)" }) webhookUrl!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ConnectionCreatedDto extends ConnectionDto {
  @ApiProperty({ example: 'whsec_…', description: 'The secret the store signs webhooks to webhookUrl with, shown this once (POST …/webhook-secret makes a new one)' }) webhookSecret!: string;
}

export class ConnectionListDto {
  @ApiProperty({ type: [ConnectionDto] }) data!: ConnectionDto[];
}

export class ProductQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ example: 'mug', maxLength: 100, description: 'Products whose title or a variant’s SKU contains it, whatever the case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ enum: COMPLIANCE_STATES, example: 'failing', description: 'Products in this compliance state only' })
  @IsOptional()
  @IsIn(COMPLIANCE_STATES)
  compliance?: ComplianceState;
}

export class ComplianceFailureDto {
  @ApiProperty({ example: 'subject-fill', description: 'The rule of the pack slot it fails' }) rule!: string;
  @ApiProperty({ example: 'The product fills at least 85% of the frame: measured 0.42' }) message!: string;
}

export class ImageComplianceDto {
  @ApiProperty({ enum: ['passing', 'failing', 'error'], description: 'error: the image could not be downloaded or read' }) state!: 'passing' | 'failing' | 'error';
  @ApiProperty({ example: 'amazon-main', description: 'The rule pack slot it was held against' }) packSlot!: string;
  @ApiProperty({ type: [ComplianceFailureDto], description: 'The rules (of severity error) it fails; empty when it passes' }) failures!: ComplianceFailureDto[];
  @ApiPropertyOptional({ description: 'Why it could not be checked, for error' }) error?: string;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}

export class ProductImageDto {
  @ApiProperty() externalId!: string;
  @ApiProperty({ description: 'Where the store serves it' }) url!: string;
  @ApiProperty({ description: '1 is the main image' }) position!: number;
  @ApiProperty({ type: String, nullable: true }) alt!: string | null;
  @ApiProperty({ type: ImageComplianceDto, nullable: true, description: "Its check against the connection's rule pack; null until the scan after a sync checks it" })
  compliance!: ImageComplianceDto | null;
}

export class ProductVariantDto {
  @ApiProperty() externalId!: string;
  @ApiProperty({ type: String, nullable: true }) sku!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true, description: "The product image shown for this variant" }) imageExternalId!: string | null;
}

export class ProductDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: "The store's own id" }) externalId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [ProductVariantDto] }) variants!: ProductVariantDto[];
  @ApiProperty({ type: [ProductImageDto], description: 'In position order' }) images!: ProductImageDto[];
  @ApiProperty({ enum: COMPLIANCE_STATES, description: 'unchecked until the scan after a sync has checked every image; then failing when an image fails (or the product has no image), else error when one could not be read, else passing' })
  complianceState!: ComplianceState;
  @ApiProperty({ format: 'date-time', description: 'When the store last changed it' }) storeUpdatedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When a sync last saw it' }) syncedAt!: string;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductDto] }) data!: ProductDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
