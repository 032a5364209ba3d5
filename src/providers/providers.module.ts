import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NetModule } from '../common/net/net.module';
import { OpsModule } from '../ops/ops.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ProviderCalls } from './provider-calls';
import { ProviderCredentialsController } from './provider-credentials.controller';
import { OrgProviderKeys } from './provider-credentials.keys';
import { ProviderCredentialsRepository } from './provider-credentials.repository';
import { ProviderCredentialsService } from './provider-credentials.service';
import { ProviderOutputs } from './provider-outputs';
import { ProviderRouter } from './provider-router';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

/** The provider listing, organisations' own provider keys, and routing and calling providers for the domains that generate (images). */
@Module({
  imports: [NetModule, OpsModule, TenancyModule, AuditModule],
  controllers: [ProvidersController, ProviderCredentialsController],
  providers: [ProvidersService, ProviderRouter, ProviderCalls, ProviderOutputs, ProviderCredentialsService, ProviderCredentialsRepository, OrgProviderKeys],
  exports: [ProviderRouter, ProviderCalls],
})
export class ProvidersModule {}
