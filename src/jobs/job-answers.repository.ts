import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { entityOfRow, PreparedSql } from '../database/prepared-sql';
import { Job } from './job.entity';

/**
 * Reads the job a request asks about (GET /jobs/:id, a Prefer: wait answer, a cancel) with a prepared
 * statement, its columns converted as the ORM reads them, instead of a forked entity manager's query
 * builder and unit of work: every generation's answer reads its job.
 */
@Injectable()
export class JobAnswersRepository {
  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {}

  /** The organisation's job; with `endUserId`, only if it was made for that end user. */
  async inOrg(orgId: string, id: string, endUserId?: string): Promise<Job | null> {
    const [row] = await this.sql.all<Record<string, unknown>>(
      `select * from jobs where id = ? and org_id = ?${endUserId ? ' and end_user_id = ?' : ''}`,
      endUserId ? [id, orgId, endUserId] : [id, orgId],
    );
    return row ? entityOfRow(this.em, Job, row) : null;
  }
}
