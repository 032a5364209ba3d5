import { ApiProperty } from '@nestjs/swagger';

export class ProviderModelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
}

export class ProviderDto {
  @ApiProperty({ example: 'aura' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['generate', 'edit', 'upscale', 'removeBackground', 'video'], isArray: true }) operations!: string[];
  @ApiProperty({ type: [ProviderModelDto] }) models!: ProviderModelDto[];
  @ApiProperty({ type: [String], example: ['512x512', '1024x1024'] }) sizes!: string[];
  @ApiProperty({ type: [String] }) styles!: string[];
  @ApiProperty({ type: [String], example: ['png', 'jpeg', 'webp', 'avif'] }) formats!: string[];
  @ApiProperty({ description: 'Credits per output image, by operation', type: 'object', additionalProperties: { type: 'number' } }) pricing!: Record<string, number>;
  @ApiProperty({ description: 'Whether an organisation may use its own provider key' }) byok!: boolean;
  @ApiProperty({ enum: ['available', 'unavailable'] }) status!: 'available' | 'unavailable';
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] }) data!: ProviderDto[];
}
