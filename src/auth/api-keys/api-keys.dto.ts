import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageInfoDto } from '../../common/pagination';
import { ALL_SCOPES, type Scope } from '../../tenancy/scopes';

export class ApiKeyCreateDto {
  @ApiProperty({ example: 'production backend', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: ['live', 'test', 'publishable'], default: 'live', description: 'publishable keys (drk_pub_) may ship in a browser: they only read jobs and images they created' })
  @IsOptional()
  @IsIn(['live', 'test', 'publishable'])
  type?: 'live' | 'test' | 'publishable';

  @ApiPropertyOptional({ enum: ALL_SCOPES, isArray: true, description: 'Required for live and test keys; you can only grant scopes you hold. Ignored for publishable keys.' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ALL_SCOPES.length)
  @IsIn(ALL_SCOPES, { each: true })
  scopes?: Scope[];

  @ApiPropertyOptional({ description: 'Team the key belongs to' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working; must be in the future' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;
}

export class ApiKeyRotateDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 604800, default: 0, description: 'Seconds the old secret keeps working (at most 7 days)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  gracePeriodSeconds?: number;
}

export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['live', 'test', 'publishable'] }) type!: string;
  @ApiProperty({ description: 'The visible start of the secret, e.g. drk_live_Ab12Cd' }) prefix!: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ nullable: true, type: String }) teamId!: string | null;
  @ApiProperty({ description: 'User or key that created it', type: Object }) createdBy!: { type: 'user' | 'api_key'; id: string } | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Updated within a few seconds, not on every request' }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: 'active' | 'expired' | 'revoked';
  @ApiProperty({ nullable: true, type: String, description: 'The key that replaced this one on rotation' }) replacedById!: string | null;
}

export class ApiKeySecretDto extends ApiKeyDto {
  @ApiProperty({ description: 'The full secret. Shown only now: store it safely.' }) secret!: string;
}

export class ApiKeyRotationDto {
  @ApiProperty({ type: ApiKeySecretDto, description: 'The new key, with its secret' }) key!: ApiKeySecretDto;
  @ApiProperty({ type: ApiKeyDto, description: 'The old key, working until its expiresAt' }) previous!: ApiKeyDto;
}

export class ApiKeyPageDto extends PageInfoDto {
  @ApiProperty({ type: [ApiKeyDto] }) data!: ApiKeyDto[];
}
