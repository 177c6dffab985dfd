/**
 * The migrations and schema.prisma cannot drift apart: the database our runner builds from prisma/migrations must
 * equal the one Prisma's own engine (WebAssembly build) creates straight from schema.prisma: every table, column,
 * type, nullability, default, constraint, index and enum. And the runner records migrations exactly as Prisma does.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../../platform/database';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../platform/migrations';
import { databaseUrlFor } from '../support/global-setup';
import { testDatabaseServerUrl, testDatabaseUrl } from '../support/context';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function catalog(url: string) {
  const ours = `NOT IN ('_prisma_migrations')`;
  return {
    columns: await query(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
              character_maximum_length, numeric_precision, datetime_precision
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name ${ours}
        ORDER BY table_name, column_name`,
    ),
    constraints: await query(
      url,
      `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.conrelid::regclass::text ${ours}
        ORDER BY 1, 2`,
    ),
    indexes: await query(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename ${ours} ORDER BY 1, 2`,
    ),
    enums: await query(
      url,
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`,
    ),
  };
}

let fromSchemaUrl: string;

beforeAll(async () => {
  fromSchemaUrl = databaseUrlFor(testDatabaseServerUrl(), `legal_aid_drift_${Date.now()}_${process.pid}`);
  await ensureDatabase(fromSchemaUrl);
  const sql = execFileSync(
    process.execPath,
    ['scripts/prisma-diff.mjs', '--from', 'empty', '--to', 'prisma/schema.prisma'],
    {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: fromSchemaUrl },
    },
  );
  expect(sql).toContain('CREATE TABLE "application"');
  await query(fromSchemaUrl, sql);
});

afterAll(() => dropDatabase(fromSchemaUrl));

test('the database built by prisma/migrations equals the one schema.prisma describes', async () => {
  const [migrated, fromSchema] = await Promise.all([catalog(testDatabaseUrl()), catalog(fromSchemaUrl)]);
  expect(migrated.columns.length).toBeGreaterThan(20);
  expect(migrated).toEqual(fromSchema);
});

test('every migration is recorded in _prisma_migrations with the checksum Prisma would compute', async () => {
  const rows = await query<{
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    applied_steps_count: number;
  }>(
    testDatabaseUrl(),
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
  );
  const migrations = readMigrations();
  expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
  for (const [i, row] of rows.entries()) {
    const file = readFileSync(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.checksum).toBe(migrations[i]!.checksum);
    expect(row.finished_at).not.toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
});

test('applying migrations again changes nothing; an edited applied migration is refused', async () => {
  expect(await applyMigrations(testDatabaseUrl())).toEqual([]);
  const url = databaseUrlFor(testDatabaseServerUrl(), `legal_aid_tamper_${Date.now()}_${process.pid}`);
  await ensureDatabase(url);
  try {
    expect(await applyMigrations(url)).toEqual(readMigrations().map((m) => m.name));
    await query(url, `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await expect(applyMigrations(url)).rejects.toThrow(/edited after it was applied/);
  } finally {
    await dropDatabase(url);
  }
});
