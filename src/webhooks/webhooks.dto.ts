import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';
import { DELIVERY_STATUSES, type DeliveryStatus } from './webhook-delivery.entity';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/hooks/darkroom', maxLength: 2048, description: 'http(s); must resolve to a public address' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Events to receive (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'false pauses deliveries; true re-enables a disabled endpoint' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointDto {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events!: WebhookEventType[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    enum: ['manual', 'gone', 'failing', 'plan'],
    nullable: true,
    description: "Why it is disabled: by you, a 410 Gone, failing every attempt for WEBHOOK_DISABLE_AFTER_SECONDS, or paused while the organisation's plan lacks webhooks",
  })
  disabledReason!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Start of the current run of failed attempts' }) failingSince!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookEndpointCreatedDto extends WebhookEndpointDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret, shown in this response only' })
  secret!: string;
}

export class WebhookSecretDto {
  @ApiProperty({ description: 'The new signing secret, shown in this response only' }) secret!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Until then the previous secret signs too' })
  previousSecretValidUntil!: string | null;
}

export class DefaultSecretStatusDto {
  @ApiProperty({ description: 'false until a job with webhookUrl or a rotation creates it' }) configured!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) createdAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotatedAt!: string | null;
}

export class DeliveryQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'Only deliveries to this endpoint' })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES)
  eventType?: WebhookEventType;
}

export class WebhookDeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The webhook-id header: the same on every attempt and redelivery' }) eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ nullable: true, type: String, description: "null for a job's own webhookUrl" }) endpointId!: string | null;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, description: "paused: kept unsent while the organisation's plan lacks webhooks" }) status!: string;
  @ApiProperty({ description: 'Attempts in the current run of the schedule' }) attempts!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt!: string | null;
}

export class WebhookAttemptDto {
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ nullable: true, type: String, description: "The start of the endpoint's answer" }) responseBody!: string | null;
}

export class WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body as sent: {type, timestamp, data}' }) payload!: Record<string, unknown>;
  @ApiProperty({ type: [WebhookAttemptDto] }) attemptLog!: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) data!: WebhookDeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
