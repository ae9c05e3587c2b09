import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type Repository } from 'typeorm';
import { User } from '../users/user.entity.js';
import { dataSourceOptions } from './data-source-options.js';
import { PreparedQuery } from './prepared-query.js';

describe('PreparedQuery', () => {
  let dataSource: DataSource;
  let users: Repository<User>;

  beforeAll(async () => {
    // The real schema (migrations) on an in-memory SQLite database.
    dataSource = new DataSource(dataSourceOptions({ type: 'sqlite', path: ':memory:' }));
    await dataSource.initialize();
    users = dataSource.getRepository(User);
    for (const [username, displayName] of [
      ['ann', 'Ann'],
      ['ben', 'ann'],
      ['cat', 'Cat'],
    ]) {
      await users.insert({
        id: username,
        username,
        displayName,
        passwordHash: 'x',
        createdAt: new Date(),
      });
    }
  });
  afterAll(() => dataSource.destroy());

  it('runs the SQL it built once with every call’s values, each in its place, repeated ones too', async () => {
    let builds = 0;
    const query = new PreparedQuery<'name' | 'other', { username: string }>(
      users,
      ['name', 'other'],
      ({ name, other }) => {
        builds += 1;
        // `other` comes first in the text and `name` appears twice.
        return users
          .createQueryBuilder('user')
          .select('user.username', 'username')
          .where('user.username = :other OR user.displayName = :name OR user.username = :name', {
            other,
            name,
          })
          .orderBy('user.username');
      },
    );
    expect(await query.run({ name: 'ann', other: 'cat' })).toStrictEqual([
      { username: 'ann' },
      { username: 'ben' },
      { username: 'cat' },
    ]);
    expect(await query.run({ name: 'Cat', other: 'nobody' })).toStrictEqual([{ username: 'cat' }]);
    expect(await query.run({ name: "x' OR 1=1 --", other: 'ben' })).toStrictEqual([
      { username: 'ben' },
    ]);
    expect(builds).toBe(1);
  });

  it('refuses, at its first run, a query with a value that is not one of its named parameters', () => {
    const query = new PreparedQuery<'name', { username: string }>(users, ['name'], ({ name }) =>
      users
        .createQueryBuilder('user')
        .where('user.username = :name AND user.displayName = :fixed', { name, fixed: 'Ann' }),
    );
    expect(() => query.run({ name: 'ann' })).toThrow(
      'PreparedQuery: a parameter without a name (Ann)',
    );
  });
});
