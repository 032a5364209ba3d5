import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { OpsController } from './ops.controller';
import { Readiness } from './readiness';

@Global()
@Module({ controllers: [OpsController], providers: [Metrics, Readiness], exports: [Metrics, Readiness] })
export class OpsModule {}
