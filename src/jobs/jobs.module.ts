import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { CreditsModule } from '../credits/credits.module';
import { OrgsModule } from '../orgs/orgs.module';
import { StorageModule } from '../storage/storage.module';
import { BullmqQueueDriver, JOB_QUEUE } from './bullmq-queue.driver';
import { EmbeddedQueueDriver } from './embedded-queue.driver';
import { JobCancellations } from './job-cancellations';
import { JobEventsModule } from './job-events.module';
import { JobLifecycle } from './job-lifecycle';
import { JobQueueRepository } from './job-queue.repository';
import { JobWaiter } from './job-waiter';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { QueueDriver } from './queue-driver';

/**
 * Jobs: reading and cancelling them, their lifecycle, and the queue driver QUEUE_DRIVER picks. Global,
 * so the modules whose work runs as jobs (images, later studio and channels) register handlers and
 * queue jobs without importing it; built from the configuration because BullMQ (and its Redis
 * connections) exists only with the bullmq driver.
 */
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const bullmq = config.jobs.queueDriver === 'bullmq';
    return {
      module: JobsModule,
      global: true,
      imports: [
        CreditsModule,
        OrgsModule,
        StorageModule,
        JobEventsModule,
        ...(bullmq
          ? [
              BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: config.jobs.queuePrefix }),
              // Finished BullMQ jobs are dropped at once: the job row is the record, and a kept one would block re-adding its id.
              BullModule.registerQueue({ name: JOB_QUEUE, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } }),
            ]
          : []),
      ],
      controllers: [JobsController],
      providers: [
        JobsRepository,
        JobQueueRepository,
        JobsService,
        JobLifecycle,
        JobCancellations,
        JobWaiter,
        { provide: QueueDriver, useClass: bullmq ? BullmqQueueDriver : EmbeddedQueueDriver },
      ],
      exports: [JobsRepository, JobsService, JobLifecycle, JobWaiter, QueueDriver],
    };
  }
}
