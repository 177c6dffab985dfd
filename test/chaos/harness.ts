/**
 * The chaos harness (issue 10): the system as separate processes, as it runs in production, so that each can be
 * killed and restarted on its own:
 *
 * - the Temporal CLI dev server with its state in a file (`temporal server start-dev --db-filename`), own ports;
 * - PostgreSQL: a fresh database on DATABASE_URL's server (the machine's PostgreSQL), or, for the outage scenario,
 *   an embedded PostgreSQL of this run's own on its own port (the shared server is never stopped);
 * - the worker (`platform/worker-main.ts`, what `npm run worker` runs) as a child in its own process group, so
 *   `kill -9` takes the whole group;
 * - the API (`platform/api-main.ts`, what `npm run api` runs) as another child.
 *
 * Children get their configuration through environment variables only (platform/env.ts); their logs go to files in
 * the run's scratch directory, never to the console (no personal data is logged anyway: see platform/logger.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Role } from '../../api/auth/access';
import { issueToken, type AuthConfig } from '../../api/auth/tokens';
import { AesGcmCodec, dataConverter } from '../../platform/codec';
import {
  createPrisma,
  dropDatabase,
  ensureDatabase,
  setAppRolePassword,
  startEmbeddedPostgres,
} from '../../platform/database';
import { loadEnv } from '../../platform/env';
import { createLogger } from '../../platform/logger';
import { applyMigrations } from '../../platform/migrations';
import { temporalCli } from '../../platform/temporal';
import { buildWorkflowBundle } from '../../platform/worker';
import type { PrismaClient } from '../../prisma/generated/client';
import { freePort } from '../../platform/supervisor';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now (the OS picks it). */
export { freePort };

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The process groups this process started and that are still running (see killAllGroups). */
const groups = new Set<number>();

/** A child in its own process group (detached), output appended to a log file. */
function spawnGroup(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid !== undefined) {
    groups.add(pid);
    child.once('exit', () => groups.delete(pid));
  }
  return child;
}

/**
 * SIGKILLs every process group still running (dev server, worker, API): for a run interrupted with Ctrl-C, whose
 * children live in groups of their own and would otherwise outlive it.
 */
export function killAllGroups(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
}

const alive = (child: ChildProcess | undefined) =>
  child !== undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null;

/** Sends `signal` to the child's whole process group and waits until the leader has exited. */
async function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.pid === undefined || !alive(child)) return;
  (child as { chaosKilled?: boolean }).chaosKilled = true;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await Promise.race([exited, sleep(30_000)]);
}

export interface ChaosOptions {
  name: string;
  /** Run an embedded PostgreSQL of our own (it can be stopped); default: a fresh database on DATABASE_URL's server. */
  ownPostgres?: boolean;
  /** Extra environment for the worker and API children (rules, limits). */
  env?: Record<string, string>;
  /** A workflow bundle already built (the test run's); default: built now. */
  workflowBundlePath?: string;
}

export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;

export async function startChaosStack(options: ChaosOptions) {
  const env = loadEnv();
  const log = createLogger('error');
  const scratch = mkdtempSync(join(tmpdir(), `legal-aid-chaos-${options.name}-`));

  // PostgreSQL.
  let pgPort = 0;
  let pg: { stop: () => Promise<void> } | undefined;
  let server = env.DATABASE_URL ?? '';
  if (options.ownPostgres || !env.DATABASE_URL) {
    pgPort = await freePort();
    const started = await startEmbeddedPostgres(scratch, pgPort, log);
    pg = started;
    server = `${started.serverUrl}/postgres`;
  }
  const dbUrl = new URL(server);
  dbUrl.pathname = `/legal_aid_chaos_${options.name}_${Date.now()}_${process.pid}`;
  const databaseUrl = dbUrl.toString();
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const prisma: PrismaClient = createPrisma(databaseUrl, 5);
  // The API and workers connect as the application's role, as in production; our own embedded server checks its
  // password (the machine's server trusts local connections).
  const appPassword = pg ? randomBytes(18).toString('base64url') : undefined;
  if (appPassword) await setAppRolePassword(databaseUrl, appPassword);

  // Temporal dev server with a file-backed state, restartable on the same port and file.
  const cli = temporalCli(env);
  if (cli.type !== 'existing-path')
    throw new Error('the chaos runs need the Temporal CLI installed (npm run setup:temporal)');
  const temporalPort = await freePort();
  const temporalFile = join(scratch, 'temporal.db');
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  let temporal: ChildProcess | undefined;
  const startTemporal = async () => {
    temporal = spawnGroup(
      cli.path,
      [
        'server',
        'start-dev',
        '--db-filename',
        temporalFile,
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--headless',
        '--log-level',
        'error',
      ],
      process.env,
      join(scratch, 'temporal.log'),
    );
    await waitFor(
      'the Temporal dev server',
      async () => {
        const c = await Connection.connect({ address: temporalAddress, connectTimeout: 1000 });
        try {
          await c.workflowService.getSystemInfo({});
          return true;
        } finally {
          await c.close();
        }
      },
      60_000,
    );
  };
  await startTemporal();

  // Secrets shared by the children and this process (tokens, payload codec).
  const hmacSecret = randomBytes(32).toString('hex');
  const payloadKey = randomBytes(32);
  const auth: AuthConfig = {
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    hmacKeys: { chaos: hmacSecret },
    signingKeyId: 'chaos',
  };
  const codec = new AesGcmCodec({ chaos: payloadKey }, 'chaos');

  // The workflow bundle, built once (workers restart in seconds instead of re-bundling).
  let bundlePath = options.workflowBundlePath;
  if (bundlePath === undefined) {
    bundlePath = join(scratch, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await buildWorkflowBundle()).code);
  }

  const apiPort = await freePort();
  const childEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    ...(appPassword ? { APP_DATABASE_PASSWORD: appPassword } : {}),
    DATABASE_POOL_MAX: '10',
    MIGRATE_ON_START: 'false',
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_CLI_PATH: cli.path,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    AUTH_HMAC_KEYS: `chaos:${hmacSecret}`,
    PAYLOAD_KEYS: `chaos:${payloadKey.toString('base64')}`,
    STATUS_CODE_SECRET: randomBytes(24).toString('hex'),
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    RATE_LIMIT_INTAKE_PER_MINUTE: '1000000',
    RATE_LIMIT_ACTIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_LOOKUP_PER_MINUTE: '1000000',
    ...options.env,
  });

  // Supervision, as systemd or Kubernetes would: a child that exits without being told to is started again.
  let stopping = false;
  let unexpectedExits = 0;
  const supervise = (child: ChildProcess, restart: () => Promise<void>) => {
    child.once('exit', () => {
      if (stopping || (child as { chaosKilled?: boolean }).chaosKilled) return;
      unexpectedExits++;
      setTimeout(() => void restart().catch(() => undefined), 1_000);
    });
  };
  let worker: ChildProcess | undefined;
  let workerStarts = 0;
  const workerLog = join(scratch, 'worker.log');
  const startWorker = async () => {
    workerStarts++;
    const marker = `worker-start-${workerStarts}`;
    writeFileSync(workerLog, `${marker}\n`, { flag: 'a' });
    worker = spawnGroup(TSX, ['platform/worker-main.ts'], childEnv(), workerLog);
    supervise(worker, startWorker);
    await waitFor(
      'the worker',
      () => {
        const text = readFileSync(workerLog, 'utf8');
        return Promise.resolve(text.slice(text.lastIndexOf(marker)).includes('worker is running'));
      },
      120_000,
    );
  };
  let api: ChildProcess | undefined;
  const base = `http://127.0.0.1:${apiPort}`;
  const startApi = async () => {
    api = spawnGroup(TSX, ['platform/api-main.ts'], childEnv(), join(scratch, 'api.log'));
    supervise(api, startApi);
    await waitFor('the API', async () => (await fetch(`${base}/openapi.json`)).ok, 120_000);
  };
  try {
    await Promise.all([startWorker(), startApi()]);
  } catch (err) {
    // A start that fails leaves nothing running: the children, the dev server, the database and its server.
    stopping = true;
    await Promise.all([killGroup(api, 'SIGKILL'), killGroup(worker, 'SIGKILL')]);
    await prisma.$disconnect().catch(() => undefined);
    await killGroup(temporal, 'SIGTERM');
    await dropDatabase(databaseUrl).catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    throw err;
  }

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, dataConverter: dataConverter(codec) });

  return {
    name: options.name,
    scratch,
    base,
    prisma,
    client,
    databaseUrl,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    database: options.ownPostgres ? 'embedded PostgreSQL 17 (own instance)' : 'PostgreSQL at DATABASE_URL',
    /** What an operator replays stuck histories with: this run's workflow bundle and payload codec. */
    replaySetup: { workflowBundlePath: bundlePath, dataConverter: dataConverter(codec) },
    token(userId: string, roles: Role[], agency?: string, institution?: string) {
      return issueToken(auth, { userId, roles, agency, institution });
    },
    /** `kill -9` of the worker's process group (no shutdown, no drain). */
    async killWorker() {
      await killGroup(worker, 'SIGKILL');
    },
    startWorker,
    workerPid: () => worker?.pid,
    workerAlive: () => alive(worker),
    apiPid: () => api?.pid,
    apiAlive: () => alive(api),
    /** The kinds of error behind the API's 500 answers (type, code, first line of the message), from its log. */
    apiErrorKinds(): string[] {
      let text = '';
      try {
        text = readFileSync(join(scratch, 'api.log'), 'utf8');
      } catch {
        return [];
      }
      const kinds = new Set<string>();
      for (const line of text.split('\n')) {
        if (!line.includes('"request failed"')) continue;
        try {
          const entry = JSON.parse(line) as {
            path?: string;
            err?: { type?: string; code?: string | number; message?: string };
          };
          const message = (entry.err?.message ?? '').trim().split('\n')[0]!.slice(0, 160);
          kinds.add(`${entry.err?.type} ${String(entry.err?.code ?? '')} ${message}`.trim());
        } catch {
          // not a JSON line
        }
      }
      return [...kinds];
    },
    /** Children that exited on their own and were started again by the supervision. */
    unexpectedExits: () => unexpectedExits,
    async killApi() {
      await killGroup(api, 'SIGKILL');
    },
    startApi,
    /** Stops the dev server (`SIGKILL`: a crash; `SIGTERM`: an orderly stop) and starts it again on the same file. */
    async restartTemporal(signal: NodeJS.Signals = 'SIGTERM', downMs = 0) {
      await killGroup(temporal, signal);
      await sleep(downMs);
      await startTemporal();
    },
    /** Stops our own PostgreSQL (outage scenario only). */
    async stopPostgres() {
      if (!pg) throw new Error('stopPostgres needs ownPostgres: true (the shared server is never stopped)');
      await pg.stop();
    },
    async startPostgres() {
      if (!pg) throw new Error('startPostgres needs ownPostgres: true');
      pg = await startEmbeddedPostgres(scratch, pgPort, log);
    },
    async stop(keepScratch = false) {
      stopping = true;
      await connection.close().catch(() => undefined);
      await killGroup(api, 'SIGTERM');
      await killGroup(worker, 'SIGTERM');
      await killGroup(worker, 'SIGKILL');
      await killGroup(api, 'SIGKILL');
      await prisma.$disconnect().catch(() => undefined);
      await killGroup(temporal, 'SIGTERM');
      await dropDatabase(databaseUrl).catch(() => undefined);
      await pg?.stop().catch(() => undefined);
      if (!keepScratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
