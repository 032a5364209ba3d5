import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class ProviderUsageQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the period, inclusive (default: 30 days before `to`)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the period, exclusive (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ProviderUsageRowDto {
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({ enum: ['platform', 'byok'], description: "Whose key the steps ran on: the installation's, or the organisation's own" }) keySource!: string;
  @ApiProperty({ description: "Test jobs' steps (test API keys: always aura, free), listed apart from the rest" }) test!: boolean;
  @ApiProperty({ description: 'Tries of this provider, fallbacks included' }) steps!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Passed over without a call (circuit open)' }) skipped!: number;
  @ApiProperty({ description: 'Credits charged for these steps' }) credits!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { USD: 0.42 }, description: "What the provider charged or lists, summed per currency" })
  providerCost!: Record<string, number>;
}

export class ProviderUsageDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [ProviderUsageRowDto], description: 'One row per provider and key source, test steps in rows of their own' }) data!: ProviderUsageRowDto[];
}
