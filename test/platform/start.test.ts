/**
 * `npm start` stops cleanly on every path and never leaves a server behind: Ctrl-C to the process group, a signal to
 * npm or to the app alone, one of its servers (Temporal, PostgreSQL) stopped under it, a second signal, a failed
 * start, and a server a killed earlier start left running. Each test runs the real `npm start` (embedded PostgreSQL
 * and the Temporal CLI's dev server) in a data directory of its own, on free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWorkflowBundle } from '../../platform/worker';
import { freePort } from '../../platform/supervisor';

const ROOT = resolve(__dirname, '../..');
let scratch: string;
let bundlePath: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'start-test-'));
  chmodSync(scratch, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must reach its directory
  bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await buildWorkflowBundle()).code);
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function taken(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(true));
    server.listen(port, '127.0.0.1', () => server.close(() => done(false)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Ports {
  api: number;
  temporal: number;
  ui: number;
  pg: number;
}

interface Run {
  npm: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  dataDir: string;
  ports: Ports;
}

async function ports(): Promise<Ports> {
  return { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
}

/** `npm start` in a process group of its own (as a terminal runs it), on `dataDir` and `p`. */
function start(dataDir: string, p: Ports, extra: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(p.api),
    TEMPORAL_DEV_PORT: String(p.temporal),
    TEMPORAL_UI_PORT: String(p.ui),
    EMBEDDED_PG_PORT: String(p.pg),
    WORKFLOW_BUNDLE_PATH: bundlePath,
    LOG_LEVEL: 'info',
    ...extra,
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  npm.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  npm.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((done) => npm.on('exit', (code) => done(code)));
  return { npm, out: () => out, err: () => err, exited, dataDir, ports: p };
}

async function running(run: Run): Promise<void> {
  await until(() => run.err().includes('running (Ctrl-C to stop)') || run.err().includes('failed:'), 'the start');
  if (!run.err().includes('running (Ctrl-C')) throw new Error(`npm start failed:\n${run.err()}`);
}

/**
 * `npm start` until it runs: the free ports picked here can be taken by another process of a busy machine before
 * the servers bind them (the dev server also binds ports of its own choosing), so a start that failed on a port in
 * use is tried again on new ports, in a fresh directory. Any other failure fails the test.
 */
async function startRunning(name: string, extra: Record<string, string> = {}): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    const run = start(dir(`${name}-${attempt}`), await ports(), extra);
    try {
      await running(run);
      return run;
    } catch (err) {
      await run.exited;
      const bind = /address already in use|is taken by another program/.test(run.err() + run.out());
      if (!bind || attempt === 3) throw err;
    }
  }
}

/** The app's node process (npm's child), the dev server's and PostgreSQL's pids. */
function pids(run: Run): { app: number; temporal: number; postgres: number } {
  const children = readFileSync(`/proc/${run.npm.pid}/task/${run.npm.pid}/children`, 'utf8').trim().split(/\s+/);
  const first = (file: string) => Number(readFileSync(file, 'utf8').split('\n')[0]);
  return {
    app: Number(children[0]),
    temporal: first(join(run.dataDir, 'temporal.pid')),
    postgres: first(join(run.dataDir, 'postgres', 'postmaster.pid')),
  };
}

/** Nothing of the run is left: no process, every port free. */
async function nothingLeft(run: Run, running: number[]): Promise<void> {
  await until(() => running.every((pid) => !alive(pid)), `processes ${running.join(', ')} to exit`, 20_000);
  for (const port of Object.values(run.ports)) expect(await taken(port)).toBe(false);
}

const dir = (name: string) => join(scratch, name);

test('Ctrl-C (SIGINT to the process group): says what it starts, then drains the worker and stops every server', async () => {
  const run = await startRunning('ctrl-c');
  // The banner's address lines follow "running" in writes of their own: a busy machine delivers them a moment later.
  await until(() => run.err().includes('Temporal UI'), 'the addresses after "running"');
  const lines = run.err();
  const order = ['database:', 'migrations', 'temporal:', 'worker:', 'api:', 'running', 'API', 'console', 'Temporal UI'];
  const at = order.map((word) => lines.indexOf(word));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  const p = pids(run);
  process.kill(-run.npm.pid!, 'SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.out()).toContain('"reason":"signal SIGINT"');
  expect(run.out()).not.toContain('second signal');
  expect(run.out()).toContain('"code":0,"msg":"stopped"');
  await nothingLeft(run, [p.app, p.temporal, p.postgres]);
});

test.each([
  ['SIGTERM to npm alone', 'npm', 'SIGTERM'],
  ['SIGINT to the app process alone', 'app', 'SIGINT'],
  ['SIGTERM to the app process alone', 'app', 'SIGTERM'],
] as const)('%s: the same clean stop', async (_name, target, signal) => {
  const run = await startRunning(`signal-${target}-${signal}`);
  const p = pids(run);
  process.kill(target === 'npm' ? run.npm.pid! : p.app, signal);
  expect(await run.exited).toBe(0);
  expect(run.out()).toContain(`"reason":"signal ${signal}"`);
  await nothingLeft(run, [p.app, p.temporal, p.postgres]);
});

test.each([
  ['the Temporal dev server', 'temporal'],
  ['PostgreSQL (a smart shutdown, which would wait for our sessions)', 'postgres'],
] as const)('SIGTERM to %s: the app notices, stops everything and exits 1', async (_name, server) => {
  const run = await startRunning(`lost-${server}`);
  const p = pids(run);
  process.kill(p[server], 'SIGTERM');
  expect(await run.exited).toBe(1);
  expect(run.err()).toContain('stopping everything');
  await nothingLeft(run, [p.app, p.temporal, p.postgres]);
});

test('copies of one Ctrl-C are one request; a second signal after the grace exits at once and still leaves nothing', async () => {
  const once = await startRunning('twice-fast');
  const a = pids(once);
  process.kill(a.app, 'SIGINT');
  await new Promise((r) => setTimeout(r, 50));
  process.kill(a.app, 'SIGINT'); // what npm passes on after the terminal's own
  expect(await once.exited).toBe(0);
  expect(once.out()).not.toContain('second signal');
  await nothingLeft(once, [a.app, a.temporal, a.postgres]);

  const insisted = await startRunning('twice-slow', { SHUTDOWN_REPEAT_GRACE_MS: '0' });
  const b = pids(insisted);
  process.kill(b.app, 'SIGINT');
  // Two signals sent before the process runs are one to the kernel (standard signals do not queue): send the second
  // once the first is being handled, and again until the process is gone, so a busy machine cannot merge them.
  await until(() => insisted.out().includes('shutting down'), 'the first signal handled');
  let exited = false;
  void insisted.exited.then(() => (exited = true));
  while (!exited) {
    try {
      process.kill(b.app, 'SIGINT');
    } catch {
      break; // already gone
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await insisted.exited).toBe(130);
  expect(insisted.out()).toContain('second signal');
  await nothingLeft(insisted, [b.app, b.temporal, b.postgres]);
});

test('a failed start (the API port is taken) names the variable to change and stops what it had started', async () => {
  const p = await ports();
  const squatter: Server = createServer();
  await new Promise<void>((r) => squatter.listen(p.api, '127.0.0.1', () => r()));
  try {
    const run = start(dir('port-taken'), p);
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain(`port ${p.api} (PORT) is taken by another program`);
    for (const port of [p.temporal, p.pg, p.ui]) expect(await taken(port)).toBe(false);
  } finally {
    squatter.close();
  }
});

test('a server a killed start left running is found by its data directory and stopped, never reused', async () => {
  const first = await startRunning('stale');
  const p = first.ports;
  const old = pids(first);
  process.kill(old.app, 'SIGKILL'); // nothing can clean up after a kill -9
  await first.exited;
  expect(alive(old.temporal)).toBe(true);
  expect(alive(old.postgres)).toBe(true);

  const second = start(first.dataDir, p);
  await running(second);
  expect(second.err()).toContain(`PostgreSQL: stopping the one an earlier start left running (pid ${old.postgres})`);
  expect(second.err()).toContain(
    `Temporal dev server: stopping the one an earlier start left running (pid ${old.temporal})`,
  );
  expect(alive(old.temporal) || alive(old.postgres)).toBe(false);
  const now = pids(second);
  process.kill(-second.npm.pid!, 'SIGINT');
  expect(await second.exited).toBe(0);
  await nothingLeft(second, [now.app, now.temporal, now.postgres]);
});

test('a port taken by another program is reported with its variable, and nothing is left of the start', async () => {
  const p = await ports();
  const squatter: Server = createServer();
  await new Promise<void>((r) => squatter.listen(p.temporal, '127.0.0.1', () => r()));
  try {
    const run = start(dir('foreign'), p);
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain(`port ${p.temporal} (TEMPORAL_DEV_PORT) is taken by another program`);
    for (const port of [p.api, p.ui, p.pg]) expect(await taken(port)).toBe(false);
  } finally {
    squatter.close();
  }
});
