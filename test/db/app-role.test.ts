/**
 * Least privilege: the API and the worker connect as the application's own role (`legal_aid_app`, created by the
 * migrations), not as the owner. The whole suite runs as that role (test/support/context.ts `testPrisma`); here,
 * what it must not be able to do: change or empty the audit trail, switch triggers off, change the schema, or read
 * the migration history. As the owner (a superuser here), the same trigger bypass succeeds: that is the hole.
 */
import pg from 'pg';
import { APP_ROLE } from '../../platform/database';
import { testAppDatabaseUrl, testDatabaseUrl } from '../support/context';

let app: pg.Client;

beforeAll(async () => {
  app = new pg.Client({ connectionString: testAppDatabaseUrl() });
  await app.connect();
});
afterAll(() => app?.end());

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const appendRow = `INSERT INTO audit_event (actor_id, roles, action, target_type, request_id, outcome)
  VALUES ('app-role-test', '{}', 'test.append', 'test', 'req-app-role', 200) RETURNING id`;

test('the application connects as its own role: no superuser, no role or database creation, no RLS bypass', async () => {
  const { rows } = await app.query(
    `SELECT current_user AS name, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication
       FROM pg_roles WHERE rolname = current_user`,
  );
  expect(rows[0]).toEqual({
    name: APP_ROLE,
    rolsuper: false,
    rolcreaterole: false,
    rolcreatedb: false,
    rolbypassrls: false,
    rolreplication: false,
  });
  // It reads and writes the tables of the product.
  expect(await outcome(app, 'SELECT count(*) FROM application')).toBe('ok');
  expect(await outcome(app, 'SELECT count(*) FROM obligation')).toBe('ok');
});

test('the audit trail is append-only for the application: no update, delete or truncate, no trigger bypass', async () => {
  const { rows } = await app.query<{ id: string }>(appendRow);
  const id = rows[0]!.id;
  expect(await outcome(app, `UPDATE audit_event SET outcome = 500 WHERE id = ${id}`)).toBe('42501');
  expect(await outcome(app, `DELETE FROM audit_event WHERE id = ${id}`)).toBe('42501');
  expect(await outcome(app, 'TRUNCATE audit_event')).toBe('42501');
  // The attack of the report: replica mode skips triggers, and needs a superuser.
  expect(await outcome(app, 'SET session_replication_role = replica')).toBe('42501');
  expect(await outcome(app, 'ALTER TABLE audit_event DISABLE TRIGGER ALL')).toBe('42501');
  const still = await app.query('SELECT outcome FROM audit_event WHERE id = $1', [id]);
  expect(still.rows).toEqual([{ outcome: 200 }]);
});

test('the application cannot change the schema or the migration history', async () => {
  expect(await outcome(app, 'DROP TABLE application_stage_event')).toBe('42501');
  expect(await outcome(app, 'ALTER TABLE application ADD COLUMN x int')).toBe('42501');
  expect(await outcome(app, 'CREATE TABLE public.intruder (n int)')).toBe('42501');
  expect(await outcome(app, 'SELECT * FROM "_prisma_migrations"')).toBe('42501');
  expect(await outcome(app, `DELETE FROM "_prisma_migrations"`)).toBe('42501');
});

test('as the owner the same bypass succeeds, which is why the application never connects as it', async () => {
  const owner = new pg.Client({ connectionString: testDatabaseUrl() });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    const { rows } = await owner.query<{ id: string }>(appendRow);
    expect(await outcome(owner, `DELETE FROM audit_event WHERE id = ${rows[0]!.id}`)).toBe('P0001'); // the trigger
    await owner.query('ROLLBACK');
    await owner.query('BEGIN');
    const again = await owner.query<{ id: string }>(appendRow);
    await owner.query('SET LOCAL session_replication_role = replica');
    expect(await outcome(owner, `DELETE FROM audit_event WHERE id = ${again.rows[0]!.id}`)).toBe('ok');
  } finally {
    await owner.query('ROLLBACK');
    await owner.end();
  }
});
