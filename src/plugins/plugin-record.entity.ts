import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * A plugin id this installation has run with, kept after it leaves the configuration so that what
 * names it (jobs, images, routing policies) can still refer to it. Written at every start.
 */
@Entity({ tableName: 'plugins' })
export class PluginRecord {
  [PrimaryKeyProp]?: ['kind', 'id'];

  @PrimaryKey({ type: 'string', length: 16 })
  kind!: 'provider' | 'channel';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  /** The plugin folder behind the id (several provider ids may share one). */
  @Property({ type: 'string', length: 32 })
  use!: string;

  /** As configured at the last start: a disabled id takes no new work. */
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: 'datetime' })
  firstSeenAt: Date = new Date();

  @Property({ type: 'datetime' })
  lastSeenAt: Date = new Date();
}
