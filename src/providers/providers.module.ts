import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { OpsModule } from '../ops/ops.module';
import { ProviderCalls } from './provider-calls';
import { ProviderOutputs } from './provider-outputs';
import { ProviderRouter } from './provider-router';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

/** The provider listing, and routing and calling providers for the domains that generate (images). */
@Module({
  imports: [NetModule, OpsModule],
  controllers: [ProvidersController],
  providers: [ProvidersService, ProviderRouter, ProviderCalls, ProviderOutputs],
  exports: [ProviderRouter, ProviderCalls],
})
export class ProvidersModule {}
