import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124011633 as PgInitial } from './migrations/postgresql/Migration20261124011633';
import { Migration20261124022632 as PgLedgerSettlement } from './migrations/postgresql/Migration20261124022632';
import { Migration20261124023047 as PgJobsImages } from './migrations/postgresql/Migration20261124023047';
import { Migration20261124023715 as PgIdempotency } from './migrations/postgresql/Migration20261124023715';
import { Migration20261124034935 as PgJobEvents } from './migrations/postgresql/Migration20261124034935';
import { Migration20261124035553 as PgWebhooks } from './migrations/postgresql/Migration20261124035553';
import { Migration20261124040953 as PgJobOrgIndex } from './migrations/postgresql/Migration20261124040953';
import { Migration20261129210000 as PgIdempotencyRecovery } from './migrations/postgresql/Migration20261129210000';
import { Migration20261129211000 as PgJobEndUser } from './migrations/postgresql/Migration20261129211000';
import { Migration20261129211100 as PgClientTokenUsage } from './migrations/postgresql/Migration20261129211100';
import { Migration20261129220000 as PgJobBatchesCheckpoints } from './migrations/postgresql/Migration20261129220000';
import { Migration20261129221000 as PgPlugins } from './migrations/postgresql/Migration20261129221000';
import { Migration20261130000000 as PgStudioResults } from './migrations/postgresql/Migration20261130000000';
import { Migration20261130010000 as PgChannelConnections } from './migrations/postgresql/Migration20261130010000';
import { Migration20261130020000 as PgChannelCompliance } from './migrations/postgresql/Migration20261130020000';
import { Migration20261130030000 as PgPublishGate } from './migrations/postgresql/Migration20261130030000';
import { Migration20261130040000 as PgProviderCredentials } from './migrations/postgresql/Migration20261130040000';
import { Migration20261130050000 as PgVideos } from './migrations/postgresql/Migration20261130050000';
import { Migration20261130060000 as PgLibrary } from './migrations/postgresql/Migration20261130060000';
import { Migration20261130070000 as PgRoutingSteps } from './migrations/postgresql/Migration20261130070000';
import { Migration20261130080000 as PgTestMode } from './migrations/postgresql/Migration20261130080000';
import { Migration20261130090000 as PgRemoteWorkReady } from './migrations/postgresql/Migration20261130090000';
import { Migration20261130102000 as PgLedgerBalanceIndex } from './migrations/postgresql/Migration20261130102000';
import { Migration20261130130000 as PgPartialJobIndexes } from './migrations/postgresql/Migration20261130130000';
import { Migration20261130140000 as PgHotPathIndexes } from './migrations/postgresql/Migration20261130140000';
import { Migration20261130150000 as PgCreditBalances } from './migrations/postgresql/Migration20261130150000';
import { Migration20261130160000 as PgPendingEventsIndex } from './migrations/postgresql/Migration20261130160000';
import { Migration20261124011629 as SqliteInitial } from './migrations/sqlite/Migration20261124011629';
import { Migration20261124022631 as SqliteLedgerSettlement } from './migrations/sqlite/Migration20261124022631';
import { Migration20261124023045 as SqliteJobsImages } from './migrations/sqlite/Migration20261124023045';
import { Migration20261124023713 as SqliteIdempotency } from './migrations/sqlite/Migration20261124023713';
import { Migration20261124034923 as SqliteJobEvents } from './migrations/sqlite/Migration20261124034923';
import { Migration20261124035539 as SqliteWebhooks } from './migrations/sqlite/Migration20261124035539';
import { Migration20261124040951 as SqliteJobOrgIndex } from './migrations/sqlite/Migration20261124040951';
import { Migration20261129210000 as SqliteIdempotencyRecovery } from './migrations/sqlite/Migration20261129210000';
import { Migration20261129211000 as SqliteJobEndUser } from './migrations/sqlite/Migration20261129211000';
import { Migration20261129211100 as SqliteClientTokenUsage } from './migrations/sqlite/Migration20261129211100';
import { Migration20261129220000 as SqliteJobBatchesCheckpoints } from './migrations/sqlite/Migration20261129220000';
import { Migration20261129221000 as SqlitePlugins } from './migrations/sqlite/Migration20261129221000';
import { Migration20261130000000 as SqliteStudioResults } from './migrations/sqlite/Migration20261130000000';
import { Migration20261130010000 as SqliteChannelConnections } from './migrations/sqlite/Migration20261130010000';
import { Migration20261130020000 as SqliteChannelCompliance } from './migrations/sqlite/Migration20261130020000';
import { Migration20261130030000 as SqlitePublishGate } from './migrations/sqlite/Migration20261130030000';
import { Migration20261130040000 as SqliteProviderCredentials } from './migrations/sqlite/Migration20261130040000';
import { Migration20261130050000 as SqliteVideos } from './migrations/sqlite/Migration20261130050000';
import { Migration20261130060000 as SqliteLibrary } from './migrations/sqlite/Migration20261130060000';
import { Migration20261130070000 as SqliteRoutingSteps } from './migrations/sqlite/Migration20261130070000';
import { Migration20261130080000 as SqliteTestMode } from './migrations/sqlite/Migration20261130080000';
import { Migration20261130090000 as SqliteRemoteWorkReady } from './migrations/sqlite/Migration20261130090000';
import { Migration20261130102000 as SqliteLedgerBalanceIndex } from './migrations/sqlite/Migration20261130102000';
import { Migration20261130130000 as SqlitePartialJobIndexes } from './migrations/sqlite/Migration20261130130000';
import { Migration20261130140000 as SqliteHotPathIndexes } from './migrations/sqlite/Migration20261130140000';
import { Migration20261130150000 as SqliteCreditBalances } from './migrations/sqlite/Migration20261130150000';
import { Migration20261130160000 as SqlitePendingEventsIndex } from './migrations/sqlite/Migration20261130160000';

/** Listed so compiled and source runs load the same set. Append new migrations in order. */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261124011629', class: SqliteInitial },
  { name: 'Migration20261124022631', class: SqliteLedgerSettlement },
  { name: 'Migration20261124023045', class: SqliteJobsImages },
  { name: 'Migration20261124023713', class: SqliteIdempotency },
  { name: 'Migration20261124034923', class: SqliteJobEvents },
  { name: 'Migration20261124035539', class: SqliteWebhooks },
  { name: 'Migration20261124040951', class: SqliteJobOrgIndex },
  { name: 'Migration20261129210000', class: SqliteIdempotencyRecovery },
  { name: 'Migration20261129211000', class: SqliteJobEndUser },
  { name: 'Migration20261129211100', class: SqliteClientTokenUsage },
  { name: 'Migration20261129220000', class: SqliteJobBatchesCheckpoints },
  { name: 'Migration20261129221000', class: SqlitePlugins },
  { name: 'Migration20261130000000', class: SqliteStudioResults },
  { name: 'Migration20261130010000', class: SqliteChannelConnections },
  { name: 'Migration20261130020000', class: SqliteChannelCompliance },
  { name: 'Migration20261130030000', class: SqlitePublishGate },
  { name: 'Migration20261130040000', class: SqliteProviderCredentials },
  { name: 'Migration20261130050000', class: SqliteVideos },
  { name: 'Migration20261130060000', class: SqliteLibrary },
  { name: 'Migration20261130070000', class: SqliteRoutingSteps },
  { name: 'Migration20261130080000', class: SqliteTestMode },
  { name: 'Migration20261130090000', class: SqliteRemoteWorkReady },
  { name: 'Migration20261130102000', class: SqliteLedgerBalanceIndex },
  { name: 'Migration20261130130000', class: SqlitePartialJobIndexes },
  { name: 'Migration20261130140000', class: SqliteHotPathIndexes },
  { name: 'Migration20261130150000', class: SqliteCreditBalances },
  { name: 'Migration20261130160000', class: SqlitePendingEventsIndex },
];
export const POSTGRES_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261124011633', class: PgInitial },
  { name: 'Migration20261124022632', class: PgLedgerSettlement },
  { name: 'Migration20261124023047', class: PgJobsImages },
  { name: 'Migration20261124023715', class: PgIdempotency },
  { name: 'Migration20261124034935', class: PgJobEvents },
  { name: 'Migration20261124035553', class: PgWebhooks },
  { name: 'Migration20261124040953', class: PgJobOrgIndex },
  { name: 'Migration20261129210000', class: PgIdempotencyRecovery },
  { name: 'Migration20261129211000', class: PgJobEndUser },
  { name: 'Migration20261129211100', class: PgClientTokenUsage },
  { name: 'Migration20261129220000', class: PgJobBatchesCheckpoints },
  { name: 'Migration20261129221000', class: PgPlugins },
  { name: 'Migration20261130000000', class: PgStudioResults },
  { name: 'Migration20261130010000', class: PgChannelConnections },
  { name: 'Migration20261130020000', class: PgChannelCompliance },
  { name: 'Migration20261130030000', class: PgPublishGate },
  { name: 'Migration20261130040000', class: PgProviderCredentials },
  { name: 'Migration20261130050000', class: PgVideos },
  { name: 'Migration20261130060000', class: PgLibrary },
  { name: 'Migration20261130070000', class: PgRoutingSteps },
  { name: 'Migration20261130080000', class: PgTestMode },
  { name: 'Migration20261130090000', class: PgRemoteWorkReady },
  { name: 'Migration20261130102000', class: PgLedgerBalanceIndex },
  { name: 'Migration20261130130000', class: PgPartialJobIndexes },
  { name: 'Migration20261130140000', class: PgHotPathIndexes },
  { name: 'Migration20261130150000', class: PgCreditBalances },
  { name: 'Migration20261130160000', class: PgPendingEventsIndex },
];
