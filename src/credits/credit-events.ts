import { Injectable, Logger } from '@nestjs/common';

/** A reservation moved the organisation's balance from `before` to `after`, read inside its lock. */
export interface BalanceDrop {
  orgId: string;
  before: number;
  after: number;
}
export type BalanceDropListener = (drop: BalanceDrop) => Promise<void>;

/**
 * Tells other modules (webhooks, for credits.low) what reservations did to a balance, in the process
 * where it happened, so the ledger depends on none of them.
 */
@Injectable()
export class CreditEvents {
  private readonly logger = new Logger('CreditEvents');
  private readonly listeners: BalanceDropListener[] = [];

  onBalanceDrop(listener: BalanceDropListener): void {
    this.listeners.push(listener);
  }

  /** Fire and forget: a listener's failure is logged and never fails the reservation. */
  balanceDropped(drop: BalanceDrop): void {
    for (const listener of this.listeners) {
      listener(drop).catch((err: unknown) => this.logger.error({ err, orgId: drop.orgId }, 'credit listener failed'));
    }
  }
}
