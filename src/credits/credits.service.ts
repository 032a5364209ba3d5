import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError } from '../common/errors/app-error';
import { TtlCache } from '../common/ttl-cache';
import { Batcher } from '../common/batcher';
import { CreditEvents } from './credit-events';
import { CreditLedgerEntry, type LedgerEntryKind } from './credit-ledger-entry.entity';
import { CreditsRepository, type ReservationRequest, type SettlementRequest } from './credits.repository';

/** Balance shown on reads is cached for at most one second; a write on this node evicts it. */
const BALANCE_CACHE_MS = 1000;

export interface Reservation {
  id: string;
  amount: number;
  creditsBalance: number;
}

/**
 * The credit ledger's rules: the balance is the sum of an append-only ledger and never goes below
 * zero; work reserves its price up front, then captures it on success or releases it on failure.
 */
@Injectable()
export class CreditsService {
  private readonly balances = new TtlCache<string, number>(BALANCE_CACHE_MS);
  /** Reservations and settlements arriving together are written together (group commit). */
  private readonly reservations = new Batcher((requests: ReservationRequest[]) => this.repo.reserveIfCovered(requests));
  private readonly settlements = new Batcher((items: SettlementRequest[]) => this.repo.settle(items));

  constructor(
    private readonly repo: CreditsRepository,
    private readonly events: CreditEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  balance(orgId: string): Promise<number> {
    return this.balances.getOrLoad(orgId, () => this.repo.balance(orgId));
  }

  summary(orgId: string): Promise<{ creditsBalance: number; reserved: number }> {
    return this.repo.summary(orgId);
  }

  /** Builds a ledger entry for callers that write it inside their own transaction. */
  entry(orgId: string, amount: number, kind: LedgerEntryKind, reason: string, referenceId: string | null = null): CreditLedgerEntry {
    return Object.assign(new CreditLedgerEntry(), { orgId, amount, kind, reason, referenceId });
  }

  async grant(orgId: string, amount: number, kind: 'operator_grant' | 'pack_grant', reason: string, referenceId: string | null = null): Promise<number> {
    await this.repo.append(this.entry(orgId, amount, kind, reason, referenceId));
    return this.fresh(orgId);
  }

  /**
   * Holds `amount` for a piece of work, or answers 402 insufficient_credits. `alongWith` (the job) is
   * written in the same transaction and given the reservation's id, so no job exists unpaid.
   */
  async reserve(orgId: string, amount: number, referenceId: string, reason: string, alongWith: object[] = []): Promise<Reservation> {
    const entry = this.entry(orgId, -amount, 'reservation', reason, referenceId);
    for (const item of alongWith) Object.assign(item, { reservationId: entry.id });
    return { id: entry.id, amount, creditsBalance: await this.reserveEntries(orgId, [entry], alongWith) };
  }

  /**
   * Holds each part's amount with a reservation of its own (whose id its `alongWith`, its job, gets),
   * all in one transaction with `alsoWrite` (the batch the jobs belong to), or none: 402
   * insufficient_credits when the balance does not cover them together.
   */
  async reserveEach(orgId: string, parts: { amount: number; referenceId: string; reason: string; alongWith: object[] }[], alsoWrite: object[] = []): Promise<{ creditsBalance: number }> {
    const entries = parts.map((part) => {
      const entry = this.entry(orgId, -part.amount, 'reservation', part.reason, part.referenceId);
      for (const item of part.alongWith) Object.assign(item, { reservationId: entry.id });
      return entry;
    });
    return { creditsBalance: await this.reserveEntries(orgId, entries, [...parts.flatMap((p) => p.alongWith), ...alsoWrite]) };
  }

  /** Writes the entries and rows if the balance covers them; the answer is the balance just after. */
  private async reserveEntries(orgId: string, entries: CreditLedgerEntry[], alongWith: object[]): Promise<number> {
    const amount = -entries.reduce((sum, e) => sum + e.amount, 0);
    const reserved = await this.reservations.run({ entries, alongWith });
    if (!reserved) {
      const creditsBalance = await this.fresh(orgId);
      throw new AppError('insufficient_credits', `This needs ${amount} credits; the balance is ${creditsBalance}`, { creditsNeeded: amount, creditsBalance });
    }
    this.balances.delete(orgId);
    const after = reserved.balanceBefore - amount;
    this.events.balanceDropped({ orgId, before: reserved.balanceBefore, after });
    return after;
  }

  /** The work succeeded: the reserved credits are spent. False if the reservation was already settled. */
  capture(orgId: string, reservationId: string): Promise<boolean> {
    return this.settle(orgId, reservationId, 'capture');
  }

  /** A reservation of the organisation was settled by a statement of another module (a job's completion captures its own): the cached balance goes. */
  settledElsewhere(orgId: string): void {
    this.balances.delete(orgId);
  }

  /** The work failed or was cancelled: the reserved credits come back. False if already settled. */
  release(orgId: string, reservationId: string): Promise<boolean> {
    return this.settle(orgId, reservationId, 'release');
  }

  packs(): AppConfig['plans']['packs'] {
    return this.config.plans.packs;
  }

  private async settle(orgId: string, reservationId: string, kind: 'capture' | 'release'): Promise<boolean> {
    const settled = await this.settlements.run({ orgId, reservationId, kind });
    if (settled === null) throw AppError.notFound('Reservation');
    this.balances.delete(orgId);
    return settled;
  }

  private fresh(orgId: string): Promise<number> {
    this.balances.delete(orgId);
    return this.balance(orgId);
  }
}
