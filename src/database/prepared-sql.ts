import { EntityManager, ReferenceKind, type EntityClass, type EntityData, type EntityMetadata } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { escapeLiteral } from 'pg';
import { prepareValue } from 'pg/lib/utils';
import { databaseKind } from '../config/database-kind';

/** A libsql statement, prepared once per connection. */
interface SqliteStatement {
  all(params: unknown[]): Record<string, unknown>[];
  run(params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  /** False once closed (the pool replaced it). */
  open: boolean;
}
interface PgResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}
interface PgConnection {
  query(query: { name: string; text: string; values: unknown[] }): Promise<PgResult>;
  query(text: string): Promise<PgResult | PgResult[]>;
}
/** A statement with `?` placeholders and its values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** A transaction PreparedSql began itself (`transaction`): statements given it run on its connection. */
export class SqlTransaction {
  constructor(readonly connection: unknown) {}
}

/** Where a statement runs: the pool's connection (nothing given), an ORM transaction's (`em` from `transactional`), or one PreparedSql began. */
export type StatementScope = EntityManager | SqlTransaction | undefined;

interface InsertShape {
  into: string;
  tuple: string;
  names: string[];
}

/** The part of knex's client (the pool's, or a transaction's) that hands out its connection. */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  /** tarn's pool. */
  pool: { numUsed(): number; numFree(): number; numPendingAcquires(): number };
}

/** `?, ?, ...`: one placeholder per value, for an `in (...)` list or a row. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`, ... (the statements given here hold no `?` in literals). */
export function toDollarPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Runs the statements of the job and credit hot paths (claims, completions, reservations) as
 * prepared statements on the connection MikroORM's pool already holds: on SQLite each libsql
 * statement is prepared once per connection and kept; on PostgreSQL each is a named statement, which
 * pg prepares once per connection. The values travel as parameters: no query builder, no formatting
 * of values into the SQL, no hydration. Within a transaction (`em` from `transactional`) the
 * statement runs on the transaction's connection. SQL takes `?` placeholders on both dialects; dates
 * are passed as Dates, stored as the ORM stores them (epoch milliseconds on SQLite).
 */
@Injectable()
export class PreparedSql {
  private readonly postgres: boolean;
  private readonly sqliteStatements = new WeakMap<object, Map<string, SqliteStatement>>();
  private readonly pgNames = new Map<string, { name: string; text: string }>();
  private readonly insertShapes = new WeakMap<EntityMetadata, InsertShape | null>();
  /** The SQLite connection the pool last handed out. */
  private sqliteConnection?: SqliteConnection;

  constructor(private readonly em: EntityManager, @Inject(APP_CONFIG) config: AppConfig) {
    this.postgres = databaseKind(config) === 'postgresql';
  }

  /** The rows a statement answers (a select, or a write with `returning`). */
  async all<T extends object>(sql: string, params: unknown[], scope?: StatementScope): Promise<T[]> {
    const idle = this.idleSqliteConnection(scope);
    if (idle) return this.sqliteStatement(idle, sql).all(this.sqliteValues(params)) as T[];
    return this.onConnection(scope, async (connection) => {
      if (this.postgres) return (await this.pgQuery(connection as PgConnection, sql, params)).rows as T[];
      return this.sqliteStatement(connection as SqliteConnection, sql).all(this.sqliteValues(params)) as T[];
    });
  }

  /** How many rows a write changed. */
  async run(sql: string, params: unknown[], scope?: StatementScope): Promise<number> {
    const idle = this.idleSqliteConnection(scope);
    if (idle) return this.sqliteStatement(idle, sql).run(this.sqliteValues(params)).changes;
    return this.onConnection(scope, async (connection) => {
      if (this.postgres) return (await this.pgQuery(connection as PgConnection, sql, params)).rowCount ?? 0;
      return this.sqliteStatement(connection as SqliteConnection, sql).run(this.sqliteValues(params)).changes;
    });
  }

  /**
   * Runs `work` in a transaction on one of the pool's connections, begun and ended here: BEGIN, then
   * COMMIT, or ROLLBACK if anything fails, as the ORM's `transactional` sends them, without its
   * transaction context (an AsyncLocalStorage, which turns promise hooks on while it runs) or unit of
   * work. Only the statements given `tx` run in it: for hot paths whose writes are all plain statements.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.onConnection(undefined, async (connection) => {
      const tx = new SqlTransaction(connection);
      await this.control(connection, 'begin');
      try {
        const answer = await work(tx);
        await this.control(connection, 'commit');
        return answer;
      } catch (err) {
        // Ends the transaction whatever failed, COMMIT included (a no-op if it never began).
        await this.control(connection, 'rollback').catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * PostgreSQL only: runs `statements` as one transaction in one round trip (the simple query
   * protocol: its statements run as one implicit transaction, each on a snapshot of its own, all
   * rolled back if one fails) and answers the last one's rows. Values are inlined as literals, so
   * nothing is prepared: for short transactions whose round trips (BEGIN, a lock, the write, COMMIT)
   * cost more than planning their statements again.
   */
  async allInOneTrip<T extends object>(statements: Statement[]): Promise<T[]> {
    const results = await this.inOneTrip(statements);
    return results[results.length - 1] as T[];
  }

  /** As allInOneTrip, answering every statement's rows. */
  async inOneTrip(statements: Statement[]): Promise<Record<string, unknown>[][]> {
    const results = await this.onPgConnection((connection) => simpleQuery(connection, statements.map(inlineLiterals)));
    return results.map((result) => result.rows);
  }

  /**
   * PostgreSQL only: a transaction in two round trips: BEGIN with `reads`, then the statements
   * `writes` makes of their rows (one list of rows per read) with COMMIT; rolled back if anything
   * fails. Values are inlined as literals, as in allInOneTrip.
   */
  async inTwoTrips<T>(reads: Statement[], writes: (rows: Record<string, unknown>[][]) => { statements: Statement[]; answer: T }): Promise<T> {
    return this.onPgConnection(async (connection) => {
      try {
        const read = await simpleQuery(connection, ['begin', ...reads.map(inlineLiterals)]);
        const { statements, answer } = writes(read.slice(1).map((result) => result.rows));
        await simpleQuery(connection, [...statements.map(inlineLiterals), 'commit']);
        return answer;
      } catch (err) {
        // Ends the transaction whatever failed (a no-op, with a warning, if COMMIT itself failed).
        await simpleQuery(connection, ['rollback']).catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Inserts new entities: one multi-row statement per entity type, types in the order they first
   * appear (a row's references first), each row's values as the ORM would write them. A type with
   * columns this does not write plainly (embedded objects, lifecycle hooks, values left to a database
   * default) goes through the ORM's insertMany instead.
   */
  async insert(rows: object[], em: EntityManager): Promise<void> {
    for (const group of this.insertsByType(rows, em)) {
      if ('statement' in group) await this.run(group.statement.sql, group.statement.params, em);
      else await em.insertMany(group.rows);
    }
  }

  /** The statements that insert `rows` as `insert` does, or null when a type of them needs the ORM's insertMany. */
  insertStatements(rows: object[], em: EntityManager): Statement[] | null {
    const statements: Statement[] = [];
    for (const group of this.insertsByType(rows, em)) {
      if (!('statement' in group)) return null;
      statements.push(group.statement);
    }
    return statements;
  }

  private insertsByType(rows: object[], em: EntityManager): ({ statement: Statement } | { rows: object[] })[] {
    const byType = new Map<Function, object[]>();
    for (const row of rows) {
      const group = byType.get(row.constructor);
      if (group) group.push(row);
      else byType.set(row.constructor, [row]);
    }
    return [...byType.values()].map((group) => {
      const shape = this.insertShape(em.getMetadata().get(group[0].constructor.name), em);
      const payloads = shape && group.map((row) => em.getComparator().prepareEntity(row) as Record<string, unknown>);
      if (!shape || !payloads || payloads.some((payload) => shape.names.some((name) => payload[name] === undefined))) return { rows: group };
      const sql = `${shape.into} values ${payloads.map(() => shape.tuple).join(', ')}`;
      return { statement: { sql, params: payloads.flatMap((payload) => shape.names.map((name) => payload[name])) } };
    });
  }

  /** How rows of the entity are inserted plainly (`insert into t (columns)`, a row's placeholders, its properties' names), worked out once per entity; null when they cannot be. */
  private insertShape(meta: EntityMetadata, em: EntityManager): InsertShape | null {
    let shape = this.insertShapes.get(meta);
    if (shape === undefined) {
      const props = plainColumns(meta);
      const platform = em.getPlatform();
      shape = props && {
        into: `insert into ${platform.quoteIdentifier(meta.tableName)} (${props.map((p) => platform.quoteIdentifier(p.fieldNames[0])).join(', ')})`,
        tuple: `(${placeholders(props)})`,
        names: props.map((p) => p.name),
      };
      this.insertShapes.set(meta, shape);
    }
    return shape;
  }

  private onPgConnection<T>(use: (connection: PgConnection) => Promise<T>): Promise<T> {
    if (!this.postgres) throw new Error('runs on PostgreSQL only');
    return this.onConnection(undefined, (connection) => use(connection as PgConnection));
  }

  private async onConnection<T>(scope: StatementScope, use: (connection: unknown) => Promise<T>): Promise<T> {
    if (scope instanceof SqlTransaction) return use(scope.connection);
    const transaction = scope?.getTransactionContext<{ client: PoolClient }>();
    const client = transaction ? transaction.client : this.poolClient();
    const connection = await client.acquireConnection();
    if (!this.postgres) this.sqliteConnection = connection as SqliteConnection;
    try {
      return await use(connection);
    } finally {
      // A transaction's connection stays with the transaction; the pool's goes back.
      if (!transaction) await client.releaseConnection(connection);
    }
  }

  private poolClient(): PoolClient {
    return (this.em.getConnection() as unknown as { getKnex(): { client: PoolClient } }).getKnex().client;
  }

  /**
   * SQLite, a statement outside any transaction: the pool's connection (one, kept: orm-options.ts) when nothing holds it or
   * waits for it, else null. A libsql statement runs synchronously, so it ends before anything else can take the connection:
   * as acquiring and releasing it, without the pool's bookkeeping (a timer and several promises a statement).
   */
  private idleSqliteConnection(scope: StatementScope): SqliteConnection | null {
    const connection = this.sqliteConnection;
    if (!connection?.open || scope instanceof SqlTransaction || scope?.getTransactionContext()) return null;
    const pool = this.poolClient().pool;
    return pool.numUsed() === 0 && pool.numPendingAcquires() === 0 && pool.numFree() === 1 ? connection : null;
  }

  /** BEGIN, COMMIT or ROLLBACK: a simple query on PostgreSQL, a kept statement on SQLite. */
  private async control(connection: unknown, statement: 'begin' | 'commit' | 'rollback'): Promise<void> {
    if (this.postgres) await (connection as PgConnection).query(statement);
    else this.sqliteStatement(connection as SqliteConnection, statement).run([]);
  }

  private sqliteStatement(connection: SqliteConnection, sql: string): SqliteStatement {
    let statements = this.sqliteStatements.get(connection);
    if (!statements) this.sqliteStatements.set(connection, (statements = new Map()));
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    return statement;
  }

  /** libsql binds numbers, strings, null and buffers: booleans go as 1 and 0 and dates as epoch milliseconds, as the ORM stores them. */
  private sqliteValues(params: unknown[]): unknown[] {
    return params.map((p) => (typeof p === 'boolean' ? Number(p) : p instanceof Date ? p.getTime() : p));
  }

  private pgQuery(connection: PgConnection, sql: string, values: unknown[]) {
    let named = this.pgNames.get(sql);
    if (!named) this.pgNames.set(sql, (named = { name: `darkroom_${this.pgNames.size + 1}`, text: toDollarPlaceholders(sql) }));
    return connection.query({ ...named, values });
  }
}

/** One simple-protocol query of `statements`; its results, one per statement. */
async function simpleQuery(connection: PgConnection, statements: string[]): Promise<PgResult[]> {
  const results = await connection.query(statements.join(';\n'));
  return Array.isArray(results) ? results : [results];
}

/** The statement with its `?` placeholders replaced by its values as literals, each converted as pg converts a bound value (the statements given here hold no `?` in literals). */
export function inlineLiterals({ sql, params }: Statement): string {
  let n = 0;
  const text = sql.replace(/\?/g, () => {
    const value = prepareValue(params[n++]);
    if (value === null || value === undefined) return 'null';
    if (typeof value !== 'string') throw new Error('binary values are not inlined');
    return escapeLiteral(value);
  });
  if (n !== params.length) throw new Error(`${params.length} values for ${n} placeholders`);
  return text;
}

/**
 * A row a statement answered as an entity, its columns converted as the ORM reads them: the driver's
 * result mapper (column names, dates, booleans), then each custom type's conversion (JSON, big
 * integers), as the ORM's hydrator does. The instance is made as the ORM makes a loaded entity
 * (the class's prototype, no constructor) but belongs to no entity manager and tracks no changes:
 * for rows nothing writes back, without the entity factory's per-entity bookkeeping.
 */
export function entityOfRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get<T>(entity.name);
  const data = em.getDriver().mapResult(row as EntityData<T>, meta) as Record<string, unknown>;
  const platform = em.getPlatform();
  for (const prop of customTypeProps(meta)) {
    const value = data[prop.name];
    if (value !== null && value !== undefined) data[prop.name] = prop.customType!.convertToJSValue(value, platform, { mode: 'serialization' });
  }
  // Own properties, defined rather than assigned: the prototype's setters, which track changes of managed entities, do not run.
  const properties: PropertyDescriptorMap = {};
  for (const name in data) properties[name] = { value: data[name], writable: true, enumerable: true, configurable: true };
  return Object.create(meta.prototype, properties) as T;
}

const customTypePropsOf = new WeakMap<EntityMetadata, EntityMetadata['props']>();

/** The entity's columns that have a custom type (JSON, big integers): their values are converted when read. */
function customTypeProps(meta: EntityMetadata): EntityMetadata['props'] {
  let props = customTypePropsOf.get(meta);
  if (!props) customTypePropsOf.set(meta, (props = meta.props.filter((p) => p.customType && p.kind === ReferenceKind.SCALAR && p.persist !== false)));
  return props;
}

/** The entity's columns when every one is a plain column or a reference's key and no hook runs on insert; otherwise null. */
function plainColumns(meta: EntityMetadata): EntityMetadata['props'] | null {
  const props = meta.props.filter((p) => p.persist !== false);
  const plain = props.every((p) => (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE) && p.fieldNames?.length === 1 && !p.version);
  return plain && !Object.keys(meta.hooks ?? {}).length ? props : null;
}
