import { EntityManager, type EntityData, type EntityFactory } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/prepared-sql';
import { Job } from './job.entity';

/**
 * Reads the job a request asks about (GET /jobs/:id, a Prefer: wait answer, a cancel) with a prepared
 * statement, its columns converted as the ORM reads them, instead of a forked entity manager's query
 * builder and unit of work: every generation's answer reads its job.
 */
@Injectable()
export class JobAnswersRepository {
  /** A fork's factory, kept: jobs built here are never merged into its unit of work (nothing writes them back), so it holds none. */
  private readonly factory: EntityFactory;

  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {
    this.factory = em.fork().getEntityFactory();
  }

  /** The organisation's job; with `endUserId`, only if it was made for that end user. */
  async inOrg(orgId: string, id: string, endUserId?: string): Promise<Job | null> {
    const [row] = await this.sql.all<Record<string, unknown>>(
      `select * from jobs where id = ? and org_id = ?${endUserId ? ' and end_user_id = ?' : ''}`,
      endUserId ? [id, orgId, endUserId] : [id, orgId],
    );
    if (!row) return null;
    const data = this.em.getDriver().mapResult(row, this.em.getMetadata().get(Job.name)) as EntityData<Job>;
    return this.factory.create(Job, data, { merge: false, convertCustomTypes: true });
  }
}
