import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
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
  listWebhookDeliveries(@Auth() auth: RequestAuth, @Query() query: DeliveryQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveries(auth.orgId!, query);
  }

  @Get('webhook-deliveries/:deliveryId')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Get a webhook delivery and its attempts' })
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  getWebhookDelivery(@Auth() auth: RequestAuth, @Param('deliveryId') deliveryId: string): Promise<WebhookDeliveryDetailDto> {
    return this.webhooks.delivery(auth.orgId!, deliveryId);
  }

  @Post('webhook-deliveries/:deliveryId/redeliver')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Send a webhook delivery again' })
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'Queued to be sent again with the same webhook-id and payload' })
  redeliverWebhook(@Auth() auth: RequestAuth, @Param('deliveryId') deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.redeliver(auth.orgId!, deliveryId);
  }

  @Get('webhook-secret')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: "Get the default webhook secret's status" })
  @ApiOkResponse({ type: DefaultSecretStatusDto, description: "The organisation's default secret (it signs per-job webhookUrl deliveries); never the secret itself" })
  getDefaultWebhookSecret(@Auth() auth: RequestAuth): Promise<DefaultSecretStatusDto> {
    return this.webhooks.defaultSecretStatus(auth.orgId!);
  }

  @Post('webhook-secret/rotate')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Rotate the default webhook secret' })
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookSecretDto, description: 'A new default secret (created if there was none), in this response only' })
  rotateDefaultWebhookSecret(@Auth() auth: RequestAuth): Promise<WebhookSecretDto> {
    return this.webhooks.rotateDefaultSecret(auth.orgId!);
  }
}
