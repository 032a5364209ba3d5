import { Entity, MikroORM, PrimaryKey, Property } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './app-error';
import { insertOnce, mapUniqueViolation } from './db-errors';

@Entity({ tableName: 'once' })
class Once {
  @PrimaryKey({ type: 'string' })
  id!: string;

  @Property({ type: 'string', unique: true })
  name!: string;
}

const row = (id: string, name: string) => Object.assign(new Once(), { id, name });

describe('unique-violation helpers on a real database', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: [Once], allowGlobalContext: false });
    await orm.schema.createSchema();
  });
  afterAll(() => orm.close());

  it('insertOnce inserts once and answers false for a second row under a unique key', async () => {
    expect(await insertOnce(orm.em, row('a', 'first'))).toBe(true);
    expect(await insertOnce(orm.em, row('a', 'other'))).toBe(false);
    expect(await insertOnce(orm.em, row('b', 'first'))).toBe(false);
    expect(await orm.em.fork().count(Once)).toBe(1);
  });

  it('insertOnce lets any other failure through', async () => {
    await expect(insertOnce(orm.em, row('c', null as unknown as string))).rejects.toThrow('Value for Once.name is required');
  });

  it('mapUniqueViolation answers the given code for a unique violation', async () => {
    const write = () => orm.em.fork().persistAndFlush(row('a', 'again'));
    await expect(mapUniqueViolation(write, 'conflict', 'taken')).rejects.toEqual(new AppError('conflict', 'taken'));
  });
});
