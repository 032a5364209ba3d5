import { Module } from '@nestjs/common';
import { CreditEvents } from './credit-events';

/** One CreditEvents per process, shared by the ledger that announces and the modules that listen. */
@Module({ providers: [CreditEvents], exports: [CreditEvents] })
export class CreditEventsModule {}
