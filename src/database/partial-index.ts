/**
 * An index of the rows of `table` where `column` is set, in SQL both SQLite and PostgreSQL read alike.
 * For columns most rows leave empty: every insert and update writes an entry into each index that
 * holds the row, so rows without the value stay out. Queries that compare the column with a value
 * still use the index on both databases.
 */
export function partialIndex(table: string, name: string, columns: string[], column: string): string {
  return `create index "${name}" on "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) where "${column}" is not null`;
}
