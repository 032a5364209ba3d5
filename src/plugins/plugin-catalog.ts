import { EntityManager } from '@mikro-orm/core';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PluginRecord } from './plugin-record.entity';
import { PluginRegistry } from './plugin-registry';

/**
 * Records every plugin id this process runs with in the `plugins` table at start: new ids are
 * added, known ones get their plugin folder, `enabled` and `lastSeenAt` brought up to date, and ids
 * no longer configured keep their row.
 */
@Injectable()
export class PluginCatalog implements OnApplicationBootstrap {
  constructor(private readonly em: EntityManager, private readonly registry: PluginRegistry) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    const rows = [
      ...this.registry.listProviders().map((p) => ({ kind: 'provider' as const, id: p.id, use: p.use, enabled: p.enabled })),
      ...this.registry.listChannels().map((c) => ({ kind: 'channel' as const, id: c.metadata.id, use: c.metadata.id, enabled: true })),
    ].map((r) => ({ ...r, firstSeenAt: now, lastSeenAt: now }));
    if (!rows.length) return;
    await this.em.fork().upsertMany(PluginRecord, rows, { onConflictFields: ['kind', 'id'], onConflictAction: 'merge', onConflictMergeFields: ['use', 'enabled', 'lastSeenAt'] });
  }
}
