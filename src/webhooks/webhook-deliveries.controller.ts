import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { IdParam } from '../common/http/id-param';
import { DefaultSecretStatusDto, DeliveryQueryDto, WebhookDeliveryDetailDto, WebhookDeliveryDto, WebhookDeliveryPageDto, WebhookSecretDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@Controller('api/v1')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('webhook-deliveries')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'List webhook deliveries, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto, description: 'Newest first' })
  listWebhookDeliveries(@OrgId() orgId: string, @Query() query: DeliveryQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveries(orgId, query);
  }

  @Get('webhook-deliveries/:deliveryId')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Get a webhook delivery and its attempts' })
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  getWebhookDelivery(@OrgId() orgId: string, @IdParam('deliveryId', 'Webhook delivery') deliveryId: string): Promise<WebhookDeliveryDetailDto> {
    return this.webhooks.delivery(orgId, deliveryId);
  }

  @Post('webhook-deliveries/:deliveryId/redeliver')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Send a webhook delivery again' })
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'Queued to be sent again with the same webhook-id and payload' })
  redeliverWebhook(@OrgId() orgId: string, @IdParam('deliveryId', 'Webhook delivery') deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.redeliver(orgId, deliveryId);
  }

  @Get('webhook-secret')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: "Get the default webhook secret's status" })
  @ApiOkResponse({ type: DefaultSecretStatusDto, description: "The organisation's default secret (it signs per-job webhookUrl deliveries); never the secret itself" })
  getDefaultWebhookSecret(@OrgId() orgId: string): Promise<DefaultSecretStatusDto> {
    return this.webhooks.defaultSecretStatus(orgId);
  }

  @Post('webhook-secret/rotate')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Rotate the default webhook secret' })
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookSecretDto, description: 'A new default secret (created if there was none), in this response only' })
  rotateDefaultWebhookSecret(@OrgId() orgId: string): Promise<WebhookSecretDto> {
    return this.webhooks.rotateDefaultSecret(orgId);
  }
}
