import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NetModule } from '../common/net/net.module';
import { OpsModule } from '../ops/ops.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { CircuitBreakers } from './circuit-breakers';
import { ProviderCalls } from './provider-calls';
import { ProviderCredentialsController } from './provider-credentials.controller';
import { OrgProviderKeys } from './provider-credentials.keys';
import { ProviderCredentialsRepository } from './provider-credentials.repository';
import { ProviderCredentialsService } from './provider-credentials.service';
import { ProviderOutputs } from './provider-outputs';
import { ProviderRouter } from './provider-router';
import { ProvidersController } from './providers.controller';
import { ProviderUsageController } from './provider-usage.controller';
import { ProviderWebhooksController } from './provider-webhooks.controller';
import { ProviderWebhooksService } from './provider-webhooks.service';
import { RemoteWorkWakeups } from './remote-work-wakeups';
import { RoutingPoliciesController } from './routing-policies.controller';
import { RoutingPoliciesRepository } from './routing-policies.repository';
import { RoutingPoliciesService } from './routing-policies.service';
import { ProvidersService } from './providers.service';

/** The provider listing, organisations' own provider keys, providers' webhooks, and routing and calling providers for the domains that generate (images). */
@Module({
  imports: [NetModule, OpsModule, TenancyModule, AuditModule],
  controllers: [ProvidersController, ProviderCredentialsController, RoutingPoliciesController, ProviderUsageController, ProviderWebhooksController],
  providers: [
    ProvidersService, ProviderRouter, ProviderCalls, CircuitBreakers, ProviderOutputs, ProviderCredentialsService, ProviderCredentialsRepository, OrgProviderKeys,
    RoutingPoliciesService, RoutingPoliciesRepository, ProviderWebhooksService, RemoteWorkWakeups,
  ],
  exports: [ProviderRouter, ProviderCalls, RoutingPoliciesService],
})
export class ProvidersModule {}
