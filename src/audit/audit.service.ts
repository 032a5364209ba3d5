import { Injectable } from '@nestjs/common';
import type { RequestAuth } from '../tenancy/principal';
import { principalId } from '../tenancy/principal';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import type { AuditEventDto, AuditPageDto } from './audit.dto';

export interface AuditEntry {
  orgId: string;
  action: string;
  actor: { type: AuditEvent['actorType']; id: string };
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  ip?: string;
  requestId?: string;
}

/** Security-relevant actions, kept per organisation for its owners and admins to review. */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  static actorOf(auth: RequestAuth): AuditEntry['actor'] {
    return { type: auth.principal.kind, id: principalId(auth.principal) };
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.repo.add(AuditService.event(entry));
  }

  /** Builds an event for callers that write it inside their own transaction. */
  static event(entry: AuditEntry): AuditEvent {
    return Object.assign(new AuditEvent(), {
      orgId: entry.orgId,
      action: entry.action,
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
    });
  }

  async list(orgId: string, query: { limit?: number; cursor?: string; action?: string }): Promise<AuditPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.list(orgId, { after: decodeCursor(query.cursor), limit: limit + 1, action: query.action });
    return toPage(rows, limit, (e): AuditEventDto => ({
      id: e.id,
      action: e.action,
      actor: { type: e.actorType, id: e.actorId },
      target: e.targetType ? { type: e.targetType, id: e.targetId! } : null,
      details: e.details,
      ip: e.ip,
      requestId: e.requestId,
      createdAt: e.createdAt.toISOString(),
    }));
  }
}
