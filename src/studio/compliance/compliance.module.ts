import { Module } from '@nestjs/common';
import { ComplianceController } from './compliance.controller';
import { ComplianceService } from './compliance.service';

/** Compliance checks; the rule packs come from MarketplacesModule, which is global. */
@Module({ controllers: [ComplianceController], providers: [ComplianceService] })
export class ComplianceModule {}
