import { Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiBadGatewayResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RawBody, TakesRawBody } from '../common/http/raw-body';
import type { WebhookHeaders } from '../plugins/channel-webhooks';
import { Public } from '../tenancy/access.decorators';
import { ProviderWebhooksService } from './provider-webhooks.service';

export class ProviderWebhookReceivedDto {
  @ApiProperty({ example: true }) received!: true;
}

/** Where slow backends post when a job's remote work ends, with PROVIDER_WEBHOOKS on (docs/providers.md#provider-webhooks). */
@ApiTags('Providers')
@Controller('api/v1/providers/webhooks')
export class ProviderWebhooksController {
  constructor(private readonly webhooks: ProviderWebhooksService) {}

  /** The provider's signature is the credential, so no API key; not limited per address, as a provider delivers from a few. */
  @Post(':provider/:jobId')
  @HttpCode(200)
  @Public({ throttled: false })
  @TakesRawBody()
  @ApiOperation({ summary: "Receive a provider's webhook for a job's remote work: verified with the provider's signature, it makes the job poll the work at once" })
  @ApiOkResponse({ type: ProviderWebhookReceivedDto })
  @ApiBadGatewayResponse({ description: "provider_unavailable: the signature could not be checked now (the provider's signing keys out of reach); the provider delivers again" })
  @ApiUnauthorizedResponse({ description: 'webhook_signature_invalid: not signed by the provider for this job, no such job, or a provider that sends no webhooks; nothing changed' })
  async receiveProviderWebhook(@Param('provider') provider: string, @Param('jobId') jobId: string, @Headers() headers: WebhookHeaders, @RawBody() body: Buffer): Promise<ProviderWebhookReceivedDto> {
    await this.webhooks.receive(provider, jobId, headers, body);
    return { received: true };
  }
}
