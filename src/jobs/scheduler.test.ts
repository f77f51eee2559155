import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { users } from '../db/schema.ts';
import { jobError } from './scheduler.ts';

describe('background-job error logs', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('embedded');
    await t.database.migrate();
  });
  afterAll(() => t.dispose());

  it('name the error code and constraint, never the query parameters or values', async () => {
    await t.database.db.insert(users).values({ email: 'geheim@example.org', name: 'Geheime Naam', role: 'redacteur', passwordHash: 'x' });
    const duplicate = await t.database.db
      .insert(users)
      .values({ email: 'geheim@example.org', name: 'Geheime Naam', role: 'redacteur', passwordHash: 'x' })
      .catch((e: unknown) => e);
    const badValue = await t.database.db.execute(sql`select ${'geheim@example.org'}::int`).catch((e: unknown) => e);
    for (const err of [duplicate, badValue]) {
      // The raw error does carry the values…
      expect(`${(err as Error).message} ${String((err as { cause?: Error }).cause?.message)}`).toContain('geheim@example.org');
      // …what is logged does not.
      const logged = JSON.stringify(jobError(err));
      expect(logged).not.toContain('geheim');
      expect(logged).not.toContain('Geheime');
    }
    expect(jobError(duplicate)).toMatchObject({ code: '23505', constraint: expect.stringContaining('email') });
    expect(jobError(badValue)).toMatchObject({ code: '22P02' });
    // A fault in our own code keeps its message.
    expect(jobError(new TypeError('x is undefined'))).toEqual({ name: 'TypeError', message: 'x is undefined' });
  });
});
