import { Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RawBody, TakesRawBody } from '../common/http/raw-body';
import type { WebhookHeaders } from '../plugins/channel-webhooks';
import { Public } from '../tenancy/access.decorators';
import { ChannelWebhooksService } from './channel-webhooks.service';

export class WebhookReceivedDto {
  @ApiProperty({ example: true }) received!: true;
}

/** Where stores send a connection's webhooks (docs/channels.md#store-webhooks). */
@ApiTags('Channels')
@Controller('api/v1/channels/webhooks')
export class ChannelWebhooksController {
  constructor(private readonly webhooks: ChannelWebhooksService) {}

  /**
   * The signature is the credential, so no API key; not limited per address, as a store delivers a
   * busy shop's updates from a few addresses.
   */
  @Post(':connectionId')
  @HttpCode(200)
  @Public({ throttled: false })
  @TakesRawBody()
  @ApiOperation({ summary: "Receive a store's webhook for a connection, signed with the connection's webhook secret (Shopify: the app's secret)" })
  @ApiOkResponse({ type: WebhookReceivedDto })
  @ApiUnauthorizedResponse({ description: 'webhook_signature_invalid: not signed for this connection, or no such connection; nothing changed' })
  async receive(@Param('connectionId') connectionId: string, @Headers() headers: WebhookHeaders, @RawBody() rawBody: Buffer): Promise<WebhookReceivedDto> {
    await this.webhooks.receive(connectionId, headers, rawBody);
    return { received: true };
  }
}
