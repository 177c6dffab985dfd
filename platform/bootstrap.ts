/**
 * Shared start-up steps of the three entry points (start, worker, api): database, Temporal, logging, shutdown.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { applyMigrations } from './migrations';
import {
  APP_ROLE,
  appDatabaseUrl,
  checkConnection,
  ensureDatabase,
  setAppRolePassword,
  startEmbeddedPostgres,
} from './database';
import { ruleConfig, trustProxySetting, type Env } from './env';
import type { Secrets } from './secrets';
import type { Logger } from './logger';
import { Shutdown } from './shutdown';
import { progress } from './supervisor';
import { ensureSearchAttributes, startEmbeddedTemporal, temporalConnectionOptions } from './temporal';

/** Routes the Temporal SDK's own logs into our structured log; we own the shutdown signals (see onShutdown). */
/** Where the API reads the worker's SDK metrics: WORKER_METRICS_URL, else the local exporter's port when set. */
export function workerMetricsUrl(env: Env): string | undefined {
  if (env.WORKER_METRICS_URL) return env.WORKER_METRICS_URL;
  return env.WORKER_METRICS_PORT ? `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics` : undefined;
}

/**
 * The SDK's runtime, once per process: its logs into ours, and (WORKER_METRICS_PORT) its worker metrics — task
 * slots, poll and schedule-to-start latencies, sticky cache — served for Prometheus on 127.0.0.1:<port>/metrics.
 */
export function installTemporalRuntime(log: Logger, metricsPort?: number): void {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => log[levels[level]]({ temporal: meta }, message)),
    // The SDK's native core logs too, forwarded into the same JSON log instead of printed raw to the console.
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } : {}),
    },
  });
}

export interface Resource<T> {
  value: T;
  stop?: () => Promise<void>;
  /** When we run the server (embedded): `handler` is called if it exits or is stopped by anyone but us. */
  onLost?: (handler: (how: string) => void) => void;
}

/**
 * DATABASE_URL, or (when `embedded` is allowed) an embedded PostgreSQL in DATA_DIR; migrated when configured. Answers
 * the URL the application connects with: APP_DATABASE_URL, else the same server as the application's own role
 * (`APP_ROLE`, least privilege), whose password the embedded server gets afresh at each start.
 */
export async function openDatabase(env: Env, log: Logger, embedded: boolean): Promise<Resource<string>> {
  const hint = `set APP_DATABASE_URL, or APP_DATABASE_PASSWORD to the password of the role ${APP_ROLE} (docs/operations.md)`;
  // A process that does not migrate needs no owner: the application's URL is enough.
  if (env.APP_DATABASE_URL !== undefined && env.DATABASE_URL === undefined && !env.MIGRATE_ON_START) {
    progress(`database: ${redactedUrl(env.APP_DATABASE_URL)}`);
    await checkConnection(env.APP_DATABASE_URL, hint);
    return { value: env.APP_DATABASE_URL };
  }
  const opened = await openOwnerDatabase(env, log, embedded);
  try {
    let password = env.APP_DATABASE_PASSWORD;
    if (env.DATABASE_URL === undefined && env.APP_DATABASE_URL === undefined) {
      password = randomBytes(18).toString('base64url');
      await setAppRolePassword(opened.value, password);
    }
    const url = env.APP_DATABASE_URL ?? appDatabaseUrl(opened.value, password);
    await checkConnection(url, hint);
    return { ...opened, value: url };
  } catch (err) {
    await opened.stop?.();
    throw err;
  }
}

async function openOwnerDatabase(env: Env, log: Logger, embedded: boolean): Promise<Resource<string>> {
  let url = env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  let onLost: Resource<string>['onLost'];
  if (url === undefined) {
    if (!embedded) throw new Error('DATABASE_URL is required (only `npm start` runs an embedded PostgreSQL)');
    progress(`database: starting the embedded PostgreSQL (port ${env.EMBEDDED_PG_PORT}, files in ${env.DATA_DIR})`);
    const server = await startEmbeddedPostgres(env.DATA_DIR, env.EMBEDDED_PG_PORT, log);
    url = `${server.serverUrl}/legal_aid`;
    stop = () => server.stop();
    onLost = (handler) => server.onLost(handler);
    try {
      await ensureDatabase(url);
    } catch (err) {
      await server.stop();
      throw err;
    }
  } else {
    progress(`database: ${redactedUrl(url)}`);
  }
  if (env.MIGRATE_ON_START) {
    progress('database: applying migrations');
    try {
      const applied = await applyMigrations(url);
      log.info({ applied }, applied.length ? 'applied database migrations' : 'database schema is up to date');
    } catch (err) {
      await stop?.();
      throw err;
    }
  }
  return { value: url, stop, onLost };
}

/** TEMPORAL_ADDRESS, or (when `embedded` is allowed) the Temporal CLI's dev server with its state in DATA_DIR. */
export async function openTemporal(env: Env, log: Logger, embedded: boolean): Promise<Resource<string>> {
  let address = env.TEMPORAL_ADDRESS;
  let stop: (() => Promise<void>) | undefined;
  let onLost: Resource<string>['onLost'];
  if (address === undefined) {
    if (!embedded) throw new Error('TEMPORAL_ADDRESS is required (only `npm start` runs an embedded Temporal server)');
    progress(`temporal: starting the embedded dev server (port ${env.TEMPORAL_DEV_PORT}, state in ${env.DATA_DIR})`);
    const server = await startEmbeddedTemporal(env, log);
    address = server.address;
    stop = () => server.stop();
    const child = server.child;
    if (child) {
      onLost = (handler) =>
        child.onUnexpectedExit((how) => handler(`${how}; its last output: ${child.lastLines().slice(-3).join(' | ')}`));
    }
    log.info({ address, ui: server.uiUrl }, 'embedded Temporal dev server is up');
  } else {
    progress(`temporal: ${address}`);
  }
  try {
    const connection = await Connection.connect(await temporalConnectionOptions(env, address));
    try {
      await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE, log);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop?.();
    throw err;
  }
  return { value: address, stop, onLost };
}

/** Listens on host:port; a port in use fails with a message that names the variable to change. */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} (PORT) is taken by another program; stop it or set PORT to a free port`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

/** A database URL without its password, for people and logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * The old entry points' shape: `steps` run in the order given on SIGINT, SIGTERM or SIGHUP (platform/shutdown.ts).
 */
export function onShutdown(log: Logger, steps: Array<[string, () => Promise<unknown>]>): Shutdown {
  const shutdown = new Shutdown(log);
  for (const [name, step] of [...steps].reverse()) shutdown.add(name, step);
  return shutdown.listen();
}

/** The API's dependencies that come from configuration. */
export function apiConfig(env: Env, secrets: Secrets) {
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    rules: ruleConfig(env),
    auth: secrets.auth,
    codec: secrets.codec,
    statusCodeSecret: secrets.statusCodeSecret,
    requireTraining: env.REQUIRE_TRAINING,
    trustProxy: trustProxySetting(env.TRUST_PROXY),
    metricsToken: env.METRICS_TOKEN,
    workerMetricsUrl: workerMetricsUrl(env),
    codecCorsOrigins: env.CODEC_CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    limits: {
      intakePerMinute: env.RATE_LIMIT_INTAKE_PER_MINUTE,
      actionsPerMinute: env.RATE_LIMIT_ACTIONS_PER_MINUTE,
      lookupsPerMinute: env.RATE_LIMIT_LOOKUP_PER_MINUTE,
    },
  };
}
