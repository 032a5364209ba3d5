import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageInfoDto } from '../common/pagination';

export class CreditsSummaryDto {
  @ApiProperty({ description: 'Credits available now (reserved credits already taken out)' }) creditsBalance!: number;
  @ApiProperty({ description: 'Credits held by work still running' }) reserved!: number;
}

export class LedgerEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Positive adds, negative takes' }) amount!: number;
  @ApiProperty({ enum: ['starting_grant', 'operator_grant', 'pack_grant', 'reservation', 'capture', 'release'] }) kind!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Job id of a reservation, pack id of a pack grant' }) referenceId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'On capture and release: the reservation settled' }) settles!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LedgerPageDto extends PageInfoDto {
  @ApiProperty({ type: [LedgerEntryDto] }) data!: LedgerEntryDto[];
}

export class CreditPackDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() credits!: number;
  @ApiProperty({ example: '5.00 USD' }) price!: string;
}

export class CreditPackListDto {
  @ApiProperty({ type: [CreditPackDto] }) data!: CreditPackDto[];
}

export class CreditGrantDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000, description: 'Credits to add; give this or pack' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  amount?: number;

  @ApiPropertyOptional({ description: 'A pack id from plans.yaml; give this or amount' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  pack?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Shown in the ledger' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class CreditGrantResultDto {
  @ApiProperty() creditsBalance!: number;
  @ApiProperty() granted!: number;
}

export const MAX_USAGE_DAYS = 366;

export class DailyUsageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_USAGE_DAYS, default: 30, description: 'How many UTC days, ending today' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_USAGE_DAYS)
  days?: number;
}

export class DailyUsageDto {
  @ApiProperty({ example: '2026-11-30', description: 'A UTC day' }) date!: string;
  @ApiProperty({ description: 'Credits spent that day: reserved for work, net of what was released (work that failed, or cost less)' }) spent!: number;
  @ApiProperty({ description: 'Credits granted that day (starting, operator and pack grants)' }) granted!: number;
  @ApiProperty({ description: 'Pieces of paid work started that day (reservations)' }) reservations!: number;
}

export class DailyUsageListDto {
  @ApiProperty({ example: '2026-11-01', description: 'The first day, UTC' }) from!: string;
  @ApiProperty({ example: '2026-11-30', description: 'The last day (today), UTC' }) to!: string;
  @ApiProperty({ type: [DailyUsageDto], description: 'Every day of the period in order, days without entries as zeros' }) data!: DailyUsageDto[];
}
