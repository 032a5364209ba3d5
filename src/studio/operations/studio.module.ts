import { Module } from '@nestjs/common';
import { CreditsModule } from '../../credits/credits.module';
import { ImagesModule } from '../../images/images.module';
import { OrgsModule } from '../../orgs/orgs.module';
import { ProvidersModule } from '../../providers/providers.module';
import { StorageModule } from '../../storage/storage.module';
import { BackgroundRemovalModule } from '../background/background-removal.module';
import { ComplianceController } from '../compliance/compliance.controller';
import { ComplianceService } from '../compliance/compliance.service';
import { StudioAnswers } from './studio-answers';
import { StudioController } from './studio.controller';
import { StudioHandler } from './studio.handler';
import { StudioJobs } from './studio-jobs';
import { StudioOutputs, StudioResultsRepository } from './studio-outputs';
import { StudioRequestChecks } from './studio-requests';
import { StudioRunners } from './studio-runners';
import { StudioSources } from './studio-sources';
import { StudioWorkers } from './studio-workers';

/** The studio's operations: their routes, jobs (operations, handler, outputs) and compliance checks; the rule packs come from the global MarketplacesModule. */
@Module({
  imports: [OrgsModule, CreditsModule, ImagesModule, ProvidersModule, StorageModule, BackgroundRemovalModule],
  controllers: [StudioController, ComplianceController],
  providers: [StudioJobs, StudioHandler, StudioOutputs, StudioResultsRepository, StudioRunners, StudioWorkers, StudioRequestChecks, StudioSources, StudioAnswers, ComplianceService],
  // The channels' compliance scan measures on the same worker threads; a publish with fix runs the compliance operation.
  exports: [StudioWorkers, StudioRunners],
})
export class StudioModule {}
