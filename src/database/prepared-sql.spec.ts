import { Entity, EntityManager, MikroORM, PrimaryKey, Property } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { PreparedSql, entityOfRow, inlineLiterals, toDollarPlaceholders } from './prepared-sql';

@Entity({ tableName: 'things' })
class Thing {
  @PrimaryKey({ type: 'string' })
  id!: string;

  @Property({ type: 'boolean' })
  ready!: boolean;

  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;

  @Property({ type: 'datetime', nullable: true })
  at: Date | null = null;
}

/** A column left to its database default: such rows go through the ORM's insert. */
@Entity({ tableName: 'labels' })
class Label {
  @PrimaryKey({ type: 'string' })
  id!: string;

  @Property({ type: 'string', default: 'plain' })
  kind?: string;
}

/** A transaction that inserts c2, sees it, then fails on inserting c1 a second time. */
const insertC2ThenDuplicateC1 = (sql: PreparedSql) =>
  sql.transaction(async (tx) => {
    await sql.run('insert into things (id, ready) values (?, ?)', ['c2', true], tx);
    expect(await sql.all('select id from things where id = ?', ['c2'], tx)).toEqual([{ id: 'c2' }]);
    await sql.run('insert into things (id, ready) values (?, ?)', ['c1', true], tx);
  });

describe('toDollarPlaceholders', () => {
  it('numbers the placeholders in order', () => {
    expect(toDollarPlaceholders('select 1 from t where a = ? and b in (?, ?) limit ?')).toBe('select 1 from t where a = $1 and b in ($2, $3) limit $4');
  });
});

describe('inlineLiterals', () => {
  it('inlines each value as a literal, converted as pg converts a bound value', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const text = inlineLiterals({ sql: 'select ?, ?, ?, ?, ?, ?', params: ["it's", 'a\\b', 3, true, null, { a: [1] }] });
    expect(text).toBe(`select 'it''s',  E'a\\\\b', '3', 'true', null, '{"a":[1]}'`);
    expect(new Date(inlineLiterals({ sql: '?', params: [at] }).slice(1, -1)).getTime()).toBe(at.getTime());
  });

  it('refuses values that do not match the placeholders', () => {
    expect(() => inlineLiterals({ sql: 'select ?, ?', params: [1] })).toThrow('1 values for 2 placeholders');
  });
});

describe('PreparedSql on SQLite', () => {
  let orm: MikroORM;
  let sql: PreparedSql;

  beforeAll(async () => {
    orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [Thing, Label], allowGlobalContext: false });
    await orm.schema.createSchema();
    sql = new PreparedSql(orm.em, { databaseUrl: '' } as AppConfig);
  });
  afterAll(() => orm.close());

  it('writes and reads with bound values, booleans as the ORM stores them', async () => {
    expect(await sql.run('insert into things (id, ready) values (?, ?), (?, ?)', ['a', true, 'b', false])).toBe(2);
    expect(await sql.all('select id from things where ready = ? order by id', [true])).toEqual([{ id: 'a' }]);
    expect((await orm.em.fork().findOneOrFail(Thing, { id: 'b' })).ready).toBe(false);
    expect(await sql.all('update things set ready = ? where id in (?, ?) returning id', [true, 'b', 'none'])).toEqual([{ id: 'b' }]);
  });

  it('prepares a statement once per connection', async () => {
    const client = (orm.em.getConnection() as unknown as { getKnex(): { client: { acquireConnection(): Promise<{ prepare(s: string): unknown }>; releaseConnection(c: unknown): Promise<void> } } }).getKnex().client;
    const connection = await client.acquireConnection();
    await client.releaseConnection(connection);
    const prepare = vi.spyOn(connection, 'prepare');
    for (let i = 0; i < 3; i++) await sql.all('select count(*) as n from things where id <> ?', [`x${i}`]);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('runs a statement straight on the connection while the pool holds it idle, and waits for it while a transaction holds it', async () => {
    const client = (orm.em.getConnection() as unknown as { getKnex(): { client: { acquireConnection(): Promise<unknown> } } }).getKnex().client;
    await sql.all('select 1 as n', []);
    const acquire = vi.spyOn(client, 'acquireConnection');
    expect(await sql.all('select 1 as n', [])).toEqual([{ n: 1 }]);
    expect(acquire).not.toHaveBeenCalled();
    let outside: Promise<unknown> | undefined;
    await expect(
      sql.transaction(async (tx) => {
        await sql.run('insert into things (id, ready) values (?, ?)', ['w1', true], tx);
        outside = sql.all('select id from things where id = ?', ['w1']);
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Run inside the transaction, it would have seen the row it rolled back.
    expect(await outside).toEqual([]);
    expect(acquire).toHaveBeenCalledTimes(2);
  });

  it('inserts entities with one statement per type, their values as the ORM writes them', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const things = [Object.assign(new Thing(), { id: 'i1', ready: true, details: { a: [1, 'x'] }, at }), Object.assign(new Thing(), { id: 'i2', ready: false })];
    const labels = [Object.assign(new Label(), { id: 'l1' }), Object.assign(new Label(), { id: 'l2', kind: 'bold' })];
    const em = orm.em.fork();
    const insertMany = vi.spyOn(em, 'insertMany');
    await sql.insert([things[0], labels[0], things[1], labels[1]], em);
    expect(insertMany.mock.calls.map(([rows]) => rows)).toEqual([labels]);
    const read = orm.em.fork();
    expect(await read.find(Thing, { id: { $in: ['i1', 'i2'] } }, { orderBy: { id: 'asc' } })).toEqual([
      expect.objectContaining({ id: 'i1', ready: true, details: { a: [1, 'x'] }, at }),
      expect.objectContaining({ id: 'i2', ready: false, details: null, at: null }),
    ]);
    expect((await read.find(Label, {}, { orderBy: { id: 'asc' } })).map((l) => l.kind)).toEqual(['plain', 'bold']);
  });

  it('builds an entity from a row as the ORM reads it: dates, booleans and JSON converted, an instance of the class', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await sql.insert([Object.assign(new Thing(), { id: 'e1', ready: true, details: { a: [1, 'x'] }, at }), Object.assign(new Thing(), { id: 'e2', ready: false })], orm.em.fork());
    const rows = await sql.all<Record<string, unknown>>('select * from things where id in (?, ?) order by id', ['e1', 'e2']);
    const built = rows.map((row) => entityOfRow(orm.em, Thing, row));
    const loaded = await orm.em.fork().find(Thing, { id: { $in: ['e1', 'e2'] } }, { orderBy: { id: 'asc' } });
    expect(built).toEqual(loaded);
    expect(built[0]).toBeInstanceOf(Thing);
    expect(built[0]).toEqual({ id: 'e1', ready: true, details: { a: [1, 'x'] }, at });
  });

  it('runs on the transaction of the entity manager it is given, and rolls back with it', async () => {
    await expect(
      orm.em.fork().transactional(async (em) => {
        await sql.run('insert into things (id, ready) values (?, ?)', ['t', false], em);
        expect(await sql.all('select id from things where id = ?', ['t'], em)).toEqual([{ id: 't' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await sql.all('select id from things where id = ?', ['t'])).toEqual([]);
  });

  it('runs its own transaction: committed when the work ends, rolled back when it throws, never in the ORM\'s transaction context', async () => {
    const transactional = vi.spyOn(Object.getPrototypeOf(orm.em) as EntityManager, 'transactional');
    expect(await sql.transaction(async (tx) => sql.run('insert into things (id, ready) values (?, ?)', ['c1', true], tx))).toBe(1);
    await expect(
      insertC2ThenDuplicateC1(sql),
    ).rejects.toThrow(/UNIQUE/);
    expect(await sql.all('select id from things where id in (?, ?) order by id', ['c1', 'c2'])).toEqual([{ id: 'c1' }]);
    expect(transactional).not.toHaveBeenCalled();
  });
});

const pgAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe.runIf(process.env.DARKROOM_TEST_DATABASE === 'postgres')('PreparedSql on PostgreSQL', () => {
  const dbName = `prepared_sql_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: pgAdminUrl });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  let orm: MikroORM;
  let sql: PreparedSql;

  beforeAll(async () => {
    await admin(`create database ${dbName}`);
    const url = new URL(pgAdminUrl);
    url.pathname = `/${dbName}`;
    orm = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: url.toString(), entities: [Thing, Label], allowGlobalContext: false });
    await orm.schema.createSchema();
    sql = new PreparedSql(orm.em, { databaseUrl: url.toString() } as AppConfig);
  });
  afterAll(async () => {
    await orm.close();
    await admin(`drop database if exists ${dbName} with (force)`);
  });

  it('runs statements in one trip as one transaction, answering the last one\'s rows, and rolls them all back if one fails', async () => {
    const rows = await sql.allInOneTrip([
      { sql: 'insert into things (id, ready) values (?, ?)', params: ['o1', true] },
      { sql: 'select id, ready from things where id = ?', params: ['o1'] },
    ]);
    expect(rows).toEqual([{ id: 'o1', ready: true }]);
    await expect(
      sql.allInOneTrip([
        { sql: 'insert into things (id, ready) values (?, ?)', params: ['o2', true] },
        { sql: 'insert into things (id, ready) values (?, ?)', params: ['o1', true] },
      ]),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql.all('select id from things where id in (?, ?) order by id', ['o1', 'o2'])).toEqual([{ id: 'o1' }]);
  });

  it('writes in a second trip what the first trip read, entities inlined as the ORM writes them', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const em = orm.em.fork();
    const answer = await sql.inTwoTrips([{ sql: 'select count(*) as n from things where id like ?', params: ['t%'] }], ([[{ n }]]) => ({
      statements: sql.insertStatements([Object.assign(new Thing(), { id: `t${n}`, ready: false, details: { quote: "it's", list: [1, 'x'] }, at })], em)!,
      answer: Number(n),
    }));
    expect(answer).toBe(0);
    expect(await orm.em.fork().findOneOrFail(Thing, { id: 't0' })).toEqual(expect.objectContaining({ ready: false, details: { quote: "it's", list: [1, 'x'] }, at }));
  });

  it('rolls the two trips back when the writes fail, and the connection serves the next statement', async () => {
    await expect(
      sql.inTwoTrips([{ sql: 'insert into things (id, ready) values (?, ?)', params: ['r1', true] }], () => ({
        statements: [{ sql: 'insert into things (id, ready) values (?, ?)', params: ['o1', true] }],
        answer: null,
      })),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql.all('select id from things where id = ?', ['r1'])).toEqual([]);
    expect(await sql.all('select count(*)::int as n from things where id = ?', ['o1'])).toEqual([{ n: 1 }]);
  });

  it('runs its own transaction: committed when the work ends, rolled back when it throws, and the connection serves the next statement', async () => {
    expect(await sql.transaction(async (tx) => sql.run('insert into things (id, ready) values (?, ?)', ['c1', true], tx))).toBe(1);
    await expect(
      insertC2ThenDuplicateC1(sql),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql.all('select id from things where id in (?, ?) order by id', ['c1', 'c2'])).toEqual([{ id: 'c1' }]);
  });

  it('builds an entity from a row as the ORM reads it', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await sql.insert([Object.assign(new Thing(), { id: 'e1', ready: true, details: { a: [1, 'x'] }, at })], orm.em.fork());
    const [row] = await sql.all<Record<string, unknown>>('select * from things where id = ?', ['e1']);
    expect(entityOfRow(orm.em, Thing, row)).toEqual(await orm.em.fork().findOneOrFail(Thing, { id: 'e1' }));
    expect(entityOfRow(orm.em, Thing, row)).toEqual({ id: 'e1', ready: true, details: { a: [1, 'x'] }, at });
  });

  it('leaves to insert the types it cannot write plainly', () => {
    expect(sql.insertStatements([Object.assign(new Label(), { id: 'l1' })], orm.em.fork())).toBeNull();
  });
});
