import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { OrgDirectory } from '../tenancy/org-directory';
import type { CreditGrantDto, CreditGrantResultDto, CreditPackListDto, CreditsSummaryDto, DailyUsageListDto, LedgerPageDto } from './credits.dto';
import { CreditsRepository } from './credits.repository';
import { CreditsService } from './credits.service';

const DAY_MS = 86_400_000;

const invalid = (message: string) => new AppError('validation_failed', message, { fields: [{ field: 'amount', messages: [message] }] });

/** What people see of the ledger, and operators' grants. The rules themselves live in CreditsService. */
@Injectable()
export class LedgerService {
  constructor(
    private readonly credits: CreditsService,
    private readonly repo: CreditsRepository,
    private readonly orgs: OrgDirectory,
    private readonly audit: AuditService,
  ) {}

  summary(orgId: string): Promise<CreditsSummaryDto> {
    return this.credits.summary(orgId);
  }

  /** The last `days` UTC days, today included, each summed (zeros for days without entries). */
  async daily(orgId: string, days: number): Promise<DailyUsageListDto> {
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const from = new Date(today - (days - 1) * DAY_MS);
    const rows = new Map((await this.repo.daily(orgId, from, new Date(today + DAY_MS))).map((r) => [r.date, r]));
    const data = Array.from({ length: days }, (_, i) => {
      const date = new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      const { spent, granted, reservations } = rows.get(date) ?? { spent: 0, granted: 0, reservations: 0 };
      return { date, spent, granted, reservations };
    });
    return { from: data[0].date, to: data[data.length - 1].date, data };
  }

  async list(orgId: string, query: { limit?: number; cursor?: string }): Promise<LedgerPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.list(orgId, { after: decodeCursor(query.cursor), limit: limit + 1 });
    return toPage(rows, limit, (e) => ({
      id: e.id,
      amount: e.amount,
      kind: e.kind,
      reason: e.reason,
      referenceId: e.referenceId,
      settles: e.settles,
      createdAt: e.createdAt.toISOString(),
    }));
  }

  packs(): CreditPackListDto {
    return { data: Object.values(this.credits.packs()) };
  }

  async grant(operator: UserPrincipal, orgId: string, dto: CreditGrantDto): Promise<CreditGrantResultDto> {
    if ((dto.amount === undefined) === (dto.pack === undefined)) throw invalid('Give either amount or pack');
    const pack = dto.pack !== undefined ? this.credits.packs()[dto.pack] : undefined;
    if (dto.pack !== undefined && !pack) throw invalid(`Unknown pack "${dto.pack}"; packs: ${Object.keys(this.credits.packs()).join(', ')}`);
    if (!(await this.orgs.getOrg(orgId))) throw AppError.notFound('Organization');
    const granted = pack ? pack.credits : dto.amount!;
    const reason = dto.reason ?? (pack ? `${pack.name} pack` : 'Granted by an operator');
    const creditsBalance = await this.credits.grant(orgId, granted, pack ? 'pack_grant' : 'operator_grant', reason, pack?.id ?? null);
    await this.audit.record({ orgId, action: 'credits.granted', actor: { type: 'operator', id: operator.userId }, details: { amount: granted, pack: pack?.id ?? null, reason } });
    return { creditsBalance, granted };
  }
}
