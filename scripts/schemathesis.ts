/**
 * Proves the API contract with a client nobody here wrote: starts the whole system (`platform/start.ts`: embedded
 * PostgreSQL, the Temporal dev server, worker and API) on free ports with its state in a temporary directory, signs
 * a staff token, and runs Schemathesis (PyPI `schemathesis`, `st`) against the published OpenAPI document: every
 * operation, checked for server errors, undocumented status codes and answers that break their declared schema.
 *
 *   npm run schemathesis                         # bounded (3 examples per operation, 180 s; the test: 200 s)
 *   npm run schemathesis -- --max-examples 50 --max-time 1200 --workers 2   # at length
 *
 * Exits with Schemathesis's status; the stack's log and Schemathesis's report stay in the printed directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    'max-examples': { type: 'string', default: '3' },
    'max-time': { type: 'string', default: '180' },
    workers: { type: 'string', default: '1' },
    phases: { type: 'string', default: 'examples,coverage,fuzzing,stateful' },
  },
});

/** The checks the contract promises: no 5xx, no undocumented status, every answer as its schema declares. */
const CHECKS = 'not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance';

function findSt(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), join(root, '.venv', 'bin')];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'st'), constants.X_OK);
      return join(dir, 'st');
    } catch {
      // next
    }
  }
  throw new Error('Schemathesis (st) not found: run `npm run setup:schemathesis` (installs it from PyPI into .venv)');
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitForHealth(base: string, stack: { exitCode: number | null }, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (stack.exitCode !== null) throw new Error(`the stack exited (${stack.exitCode}) before it was healthy`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the stack was not healthy within ${ms / 1000} s`);
}

async function main(): Promise<number> {
  const st = findSt();
  const dir = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  // As root, the embedded PostgreSQL runs as `postgres`, which must reach its data directory.
  chmodSync(dir, 0o755);
  const [port, temporalPort, uiPort, pgPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    EMBEDDED_PG_PORT: String(pgPort),
    // The stack's own embedded PostgreSQL, whatever the caller's environment names.
    DATABASE_URL: '',
    APP_DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    // Schemathesis sends thousands of requests a minute; the limits themselves are tested elsewhere.
    RATE_LIMIT_INTAKE_PER_MINUTE: '1000000',
    RATE_LIMIT_ACTIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_LOOKUP_PER_MINUTE: '1000000',
  };
  delete env.DATABASE_URL;
  delete env.APP_DATABASE_URL;
  const log = openSync(join(dir, 'stack.log'), 'a');
  const stack = spawn(process.execPath, ['--import', 'tsx', 'platform/start.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
  });
  const stopped = new Promise<void>((done) => stack.once('exit', () => done()));
  const base = `http://127.0.0.1:${port}`;
  try {
    console.log(`[schemathesis] starting the stack (${dir})`);
    await waitForHealth(base, stack, 240_000);
    const token = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'platform/token-main.ts',
        '--sub',
        'schemathesis-staff',
        '--role',
        'agency_staff',
        '--role',
        'agency_head',
        '--agency',
        'KQ',
      ],
      { cwd: root, env, encoding: 'utf8' },
    );
    if (token.status !== 0) throw new Error(`token: ${token.stderr}`);
    const args = [
      'run',
      `${base}/openapi.json`,
      '-H',
      `Authorization: Bearer ${token.stdout.trim()}`,
      '--checks',
      CHECKS,
      '--phases',
      values.phases!,
      '--max-examples',
      values['max-examples']!,
      '--max-time',
      values['max-time']!,
      '-w',
      values.workers!,
      '--report-dir',
      join(dir, 'report'),
    ];
    console.log(`[schemathesis] st ${args.filter((a) => !a.startsWith('Authorization')).join(' ')}`);
    const run = spawnSync(st, args, { cwd: dir, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    return run.status ?? 1;
  } finally {
    stack.kill('SIGINT');
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 30_000))]);
    if (stack.exitCode === null) stack.kill('SIGKILL');
    console.log(`[schemathesis] stack stopped; its log: ${join(dir, 'stack.log')}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[schemathesis] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
