import type { AppConfig } from './app-config';

export type DatabaseKind = 'sqlite' | 'postgresql';

/** Which database DATABASE_URL names: PostgreSQL for a postgres URL, SQLite otherwise (the default). */
export function databaseKind(config: Pick<AppConfig, 'databaseUrl'>): DatabaseKind {
  return /^postgres(ql)?:/.test(config.databaseUrl) ? 'postgresql' : 'sqlite';
}
