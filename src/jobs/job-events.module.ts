import { Module } from '@nestjs/common';
import { JobEvents } from './job-events';

/** One JobEvents per process, shared by the modules that finish jobs and those that listen. */
@Module({ providers: [JobEvents], exports: [JobEvents] })
export class JobEventsModule {}
