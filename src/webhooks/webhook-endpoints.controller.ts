import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgId, RequireScope } from '../tenancy/access.decorators';
import { IdParam } from '../common/http/id-param';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto, WebhookEndpointCreatedDto, WebhookEndpointDto, WebhookSecretDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@Controller('api/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Create a webhook endpoint' })
  @ApiCreatedResponse({ type: WebhookEndpointCreatedDto, description: 'The signing secret is in this response only' })
  createWebhookEndpoint(@OrgId() orgId: string, @Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointCreatedDto> {
    return this.webhooks.create(orgId, dto);
  }

  @Get()
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'List the webhook endpoints' })
  @ApiOkResponse({ type: [WebhookEndpointDto] })
  listWebhookEndpoints(@OrgId() orgId: string): Promise<WebhookEndpointDto[]> {
    return this.webhooks.list(orgId);
  }

  @Get(':endpointId')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  getWebhookEndpoint(@OrgId() orgId: string, @IdParam('endpointId', 'Webhook endpoint') endpointId: string): Promise<WebhookEndpointDto> {
    return this.webhooks.get(orgId, endpointId);
  }

  @Patch(':endpointId')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Update a webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  updateWebhookEndpoint(@OrgId() orgId: string, @IdParam('endpointId', 'Webhook endpoint') endpointId: string, @Body() dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    return this.webhooks.update(orgId, endpointId, dto);
  }

  @Delete(':endpointId')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: 'Delete a webhook endpoint' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The endpoint and its delivery log are gone' })
  deleteWebhookEndpoint(@OrgId() orgId: string, @IdParam('endpointId', 'Webhook endpoint') endpointId: string): Promise<void> {
    return this.webhooks.remove(orgId, endpointId);
  }

  @Post(':endpointId/rotate-secret')
  @RequireScope('webhooks:write')
  @ApiOperation({ summary: "Rotate a webhook endpoint's signing secret" })
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookSecretDto, description: 'The new secret, in this response only; the old one keeps signing for 24 hours' })
  rotateWebhookEndpointSecret(@OrgId() orgId: string, @IdParam('endpointId', 'Webhook endpoint') endpointId: string): Promise<WebhookSecretDto> {
    return this.webhooks.rotateEndpointSecret(orgId, endpointId);
  }
}
