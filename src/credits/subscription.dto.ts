import { ApiProperty } from '@nestjs/swagger';

export class PlanFeaturesDto {
  @ApiProperty() webhooks!: boolean;
  @ApiProperty() byok!: boolean;
  @ApiProperty() video!: boolean;
  @ApiProperty() channels!: boolean;
  @ApiProperty() library!: boolean;
}

export class PlanLimitsDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Images a day; null means no daily cap' }) dailyImages!: number | null;
  @ApiProperty({ description: 'Requests that create work, per minute' }) workPerMinute!: number;
  @ApiProperty({ description: 'Other requests, per minute' }) readsPerMinute!: number;
  @ApiProperty() maxWidth!: number;
  @ApiProperty() maxHeight!: number;
  @ApiProperty({ description: "Jobs of the organisation running at once; more wait in the queue" }) maxConcurrentJobs!: number;
  @ApiProperty({ description: 'The largest studio source image, in bytes' }) maxSourceBytes!: number;
  @ApiProperty({ description: 'The most pixels a studio source or output may have' }) maxSourcePixels!: number;
}

export class PlanDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: PlanLimitsDto }) limits!: PlanLimitsDto;
  @ApiProperty({ type: PlanFeaturesDto }) features!: PlanFeaturesDto;
}

export class UsageDto {
  @ApiProperty({ description: 'UTC day, YYYY-MM-DD' }) day!: string;
  @ApiProperty({ description: 'Images counted against the daily quota today' }) images!: number;
  @ApiProperty({ format: 'date-time', description: 'When the daily quota resets' }) resetsAt!: string;
}

export class SubscriptionDto {
  @ApiProperty() organizationId!: string;
  @ApiProperty({ type: PlanDto }) plan!: PlanDto;
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
  @ApiProperty() creditsBalance!: number;
}
