import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const OPERATIONS = ['generate', 'edit', 'upscale', 'removeBackground', 'video'];

export class SizeConstraintsDto {
  @ApiProperty() minWidth!: number;
  @ApiProperty() maxWidth!: number;
  @ApiProperty() minHeight!: number;
  @ApiProperty() maxHeight!: number;
  @ApiPropertyOptional({ description: 'Both sides must be multiples of this' }) multipleOf?: number;
  @ApiPropertyOptional({ description: 'Width times height at most' }) maxPixels?: number;
}

export class VideoDurationsDto {
  @ApiProperty({ type: [Number], description: 'Seconds; a length between two is rounded up to the next' }) seconds!: number[];
  @ApiProperty({ description: 'The length of a request that names none' }) default!: number;
}

export class ProviderPriceDto {
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'USD', description: 'USD, or the provider\'s own credits (stability-credits, runway-credits)' }) currency!: string;
}

export class ProviderModelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: OPERATIONS, isArray: true }) operations!: string[];
  @ApiProperty({ type: [String], description: 'The sizes it renders, as WIDTHxHEIGHT; empty when it takes any size within sizeConstraints' }) sizes!: string[];
  @ApiPropertyOptional({ type: SizeConstraintsDto, description: 'The bounds of the sizes it takes, for models without a list' }) sizeConstraints?: SizeConstraintsDto;
  @ApiProperty({ type: [String] }) formats!: string[];
  @ApiProperty({ type: [String] }) styles!: string[];
  @ApiProperty({ description: 'Outputs per call to the provider; a request for more is split into several calls' }) maxImagesPerCall!: number;
  @ApiProperty({ description: 'Whether the same seed gives the same output' }) seed!: boolean;
  @ApiPropertyOptional({ type: VideoDurationsDto, description: 'Video models: the lengths it renders' }) durations?: VideoDurationsDto;
  @ApiPropertyOptional({ description: 'Edit models: how many source images one edit may send' }) maxSourceImages?: number;
  @ApiPropertyOptional({ description: 'Edit models: whether an edit may send a mask' }) mask?: boolean;
}

export class ProviderDto {
  @ApiProperty({ example: 'aura' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: OPERATIONS, isArray: true }) operations!: string[];
  @ApiProperty({ type: [ProviderModelDto] }) models!: ProviderModelDto[];
  @ApiProperty({ type: [String], example: ['512x512', '1024x1024'] }) sizes!: string[];
  @ApiProperty({ type: [String] }) styles!: string[];
  @ApiProperty({ type: [String], example: ['png', 'jpeg', 'webp', 'avif'] }) formats!: string[];
  @ApiProperty({ description: 'Credits per output image, by operation (the default model, its smallest size)', type: 'object', additionalProperties: { type: 'number' } }) pricing!: Record<string, number>;
  @ApiPropertyOptional({
    type: 'object', additionalProperties: { $ref: '#/components/schemas/ProviderPriceDto' },
    description: "The provider's own list price for the same request as `pricing`, in its currency, by operation, where its plugin publishes one",
  })
  providerPricing?: Record<string, ProviderPriceDto>;
  @ApiProperty({ description: 'Whether an organisation may use its own provider key' }) byok!: boolean;
  @ApiProperty({ type: [String], example: ['apiKey', 'organization'], description: "The fields of the provider's key: what PUT /api/v1/orgs/:orgId/provider-credentials/:provider takes (BYOK); empty for a provider that needs none" }) credentialFields!: string[];
  @ApiProperty({ type: [String], example: ['background', 'moderation'], description: 'What a request may pass it under providerOptions.<id> (docs/providers.md); empty when it takes none' }) requestOptions!: string[];
  @ApiProperty({
    enum: ['healthy', 'degraded', 'open', 'unconfigured'],
    description: "The platform key's circuit and health check: healthy (no recent failure, health check passed or none); degraded (recent failures, a trial call after a cooldown, or a failing health check); open (too many failures in a row, or the key refused or spent: routing passes it over until its cooldown ends); unconfigured (the platform has no key for it: it serves only organisations that bring their own, BYOK, and is no one's default)",
  })
  status!: 'healthy' | 'degraded' | 'open' | 'unconfigured';
  @ApiPropertyOptional({ format: 'date-time', description: 'Open: when a call may try it again' }) retryAt?: string;
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] }) data!: ProviderDto[];
}
