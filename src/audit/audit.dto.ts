import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorQueryDto, PageInfoDto } from '../common/pagination';

export class AuditQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'Only this action, e.g. api_key.created' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'api_key', 'client_token', 'operator'] }) type!: string;
  @ApiProperty({ description: 'User id, API key id or signing key id' }) id!: string;
}

export class AuditTargetDto {
  @ApiProperty({ description: 'What was acted on, e.g. api_key, member' }) type!: string;
  @ApiProperty() id!: string;
}

export class AuditEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'e.g. auth.login, api_key.created, member.role_changed' }) action!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ type: AuditTargetDto, nullable: true }) target!: AuditTargetDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditPageDto extends PageInfoDto {
  @ApiProperty({ type: [AuditEventDto] }) data!: AuditEventDto[];
}
