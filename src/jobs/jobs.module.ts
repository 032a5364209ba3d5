import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../config/app-config';
import { CreditsModule } from '../credits/credits.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { BatchJobs } from './batch-jobs';
import { BullmqQueueDriver, JOB_QUEUE } from './bullmq-queue.driver';
import { EmbeddedQueueDriver } from './embedded-queue.driver';
import { IdempotencyModule } from './idempotency.module';
import { JobCancellations } from './job-cancellations';
import { JobCatchUp } from './job-catch-up';
import { JobEventsModule } from './job-events.module';
import { JobLifecycle } from './job-lifecycle';
import { JobQueueRepository } from './job-queue.repository';
import { JobRegistry } from './job-registry';
import { JobRequests } from './job-requests';
import { JobSubmitter } from './job-submitter';
import { JobWaiter } from './job-waiter';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobStepsRepository } from './job-steps.repository';
import { JobAnswersRepository } from './job-answers.repository';
import { JobsService } from './jobs.service';
import { QueueDriver } from './queue-driver';
import { QuotesController } from './quotes.controller';
import { QuotesService } from './quotes.service';

/**
 * The job engine: creating jobs of any registered operation (and batches of them), reading and
 * cancelling them, their lifecycle, and the queue driver QUEUE_DRIVER picks. Global, so the modules
 * whose work runs as jobs (images, later studio and channels) declare operations, handlers and
 * output readers (found by JobRegistry) and submit jobs without importing it; built from the
 * configuration because BullMQ (and its Redis connections) exists only with the bullmq driver.
 */
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const bullmq = config.jobs.queueDriver === 'bullmq';
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        CreditsModule,
        TenancyModule,
        ThrottlingModule,
        IdempotencyModule,
        JobEventsModule,
        ...(bullmq
          ? [
              BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: config.jobs.queuePrefix }),
              // Finished BullMQ jobs are dropped at once: the job row is the record, and a kept one would block re-adding its id.
              BullModule.registerQueue({ name: JOB_QUEUE, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } }),
            ]
          : []),
      ],
      controllers: [JobsController, QuotesController],
      providers: [
        JobsRepository,
        JobStepsRepository,
        JobAnswersRepository,
        JobQueueRepository,
        JobRegistry,
        JobsService,
        JobRequests,
        JobSubmitter,
        JobLifecycle,
        JobCancellations,
        JobCatchUp,
        BatchJobs,
        JobWaiter,
        QuotesService,
        { provide: QueueDriver, useClass: bullmq ? BullmqQueueDriver : EmbeddedQueueDriver },
      ],
      // With IdempotencyModule, a module's @JobRoute (IdempotencyInterceptor) finds all it needs here.
      exports: [JobsRepository, JobStepsRepository, JobQueueRepository, JobsService, JobSubmitter, IdempotencyModule],
    };
  }
}
