/** GET /api/v1/credits */
export interface CreditsSummary {
  creditsBalance: number;
  reserved: number;
}

/** GET /api/v1/credits/usage: one UTC day. */
export interface DailyUsage {
  date: string;
  spent: number;
  granted: number;
  reservations: number;
}

export interface DailyUsageList {
  from: string;
  to: string;
  data: DailyUsage[];
}

/** GET /api/v1/usage/providers: one provider and key source. */
export interface ProviderUsageRow {
  provider: string;
  keySource: 'platform' | 'byok';
  test: boolean;
  steps: number;
  succeeded: number;
  failed: number;
  skipped: number;
  credits: number;
  providerCost: Record<string, number>;
}

export interface ProviderUsage {
  from: string;
  to: string;
  data: ProviderUsageRow[];
}

export type LedgerKind = 'starting_grant' | 'operator_grant' | 'pack_grant' | 'reservation' | 'capture' | 'release';

/** GET /api/v1/credits/ledger items. */
export interface LedgerEntry {
  id: string;
  amount: number;
  kind: LedgerKind;
  reason: string;
  referenceId: string | null;
  settles: string | null;
  createdAt: string;
}

export const creditsQueryKey = (orgId: string) => ['credits', orgId];

/** The periods offered, in days ending today (UTC). */
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

/** The start of the period's first UTC day, so provider usage covers the same days as the daily chart. */
export function periodStart(days: number, now = new Date()): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * 86_400_000).toISOString();
}

const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A UTC day from the API (2026-11-30) for display, e.g. "30 Nov". */
export function formatDay(date: string): string {
  return day.format(new Date(`${date}T00:00:00Z`));
}

/**
 * Each day's bar out of `height`, scaled to the day that spent most (`top`, at least 1 so a quiet
 * period draws no bars). Releases of earlier days' reservations can make a day's net spending
 * negative: its bar stays empty.
 */
export function barHeights(spent: number[], height: number): { top: number; heights: number[] } {
  const top = Math.max(1, ...spent);
  return { top, heights: spent.map((s) => (Math.max(0, s) / top) * height) };
}
