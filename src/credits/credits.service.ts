import { Injectable } from '@nestjs/common';
import { TtlCache } from '../common/ttl-cache';
import { CreditLedgerEntry, type LedgerEntryKind } from './credit-ledger-entry.entity';
import { CreditsRepository } from './credits.repository';

/** Balance shown on reads is cached for at most one second; a write on this node evicts it. */
const BALANCE_CACHE_MS = 1000;

@Injectable()
export class CreditsService {
  private readonly balances = new TtlCache<string, number>(BALANCE_CACHE_MS);

  constructor(private readonly repo: CreditsRepository) {}

  balance(orgId: string): Promise<number> {
    return this.balances.getOrLoad(orgId, () => this.repo.balance(orgId));
  }

  /** Builds a ledger entry for callers that write it inside their own transaction. */
  entry(orgId: string, amount: number, kind: LedgerEntryKind, reason: string): CreditLedgerEntry {
    return Object.assign(new CreditLedgerEntry(), { orgId, amount, kind, reason });
  }
}
