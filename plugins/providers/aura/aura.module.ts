import { Module } from '@nestjs/common';
import { AuraProvider } from './aura.provider';

@Module({ providers: [AuraProvider] })
export class AuraProviderModule {}
