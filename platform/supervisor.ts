/**
 * The child servers `npm start` runs (the Temporal dev server, PostgreSQL): each in a process group of its own, so
 * a Ctrl-C in the terminal reaches only this process, which drains the worker first and then stops them in order.
 * Every live child is also signalled when this process exits for any reason, so none is ever left behind; one that
 * survives a `kill -9` of this process is found by its pid file at the next start and stopped (`stopStale`).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Logger } from './logger';

export interface Child {
  name: string;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the process (its whole group) and waits for it to exit; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Called when the process exits without having been asked to stop. */
  onUnexpectedExit(handler: (how: string) => void): void;
  /** Its last lines of output (at most 20), to say why it stopped. */
  lastLines(): string[];
}

/** Children alive right now, signalled on this process's exit (see the `exit` listener below). */
const live = new Map<number, { signal: NodeJS.Signals }>();

process.on('exit', () => {
  for (const [pid, { signal }] of live) signalGroup(pid, signal);
});

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export interface SpawnChildOptions extends Pick<SpawnOptions, 'env' | 'uid' | 'gid'> {
  /** The signal that asks this server to stop cleanly (PostgreSQL: SIGINT, fast shutdown; Temporal: SIGTERM). */
  stopSignal: NodeJS.Signals;
  /** Each line the process writes (stdout and stderr). */
  onLine?: (line: string) => void;
}

export function spawnChild(name: string, command: string, args: string[], options: SpawnChildOptions): Child {
  const proc: ChildProcess = spawn(command, args, {
    detached: true, // a process group of its own: the terminal's Ctrl-C does not reach it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env,
    uid: options.uid,
    gid: options.gid,
  });
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = proc.pid;
  live.set(pid, { signal: options.stopSignal });
  let stopping = false;
  let unexpected: ((how: string) => void) | undefined;
  const tail: string[] = [];
  for (const stream of [proc.stdout, proc.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        options.onLine?.(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('error', () => resolve({ code: null, signal: null }));
    proc.on('exit', (code, signal) => {
      live.delete(pid);
      resolve({ code, signal });
      if (!stopping) unexpected?.(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  });
  return {
    name,
    pid,
    exited,
    onUnexpectedExit: (handler) => {
      unexpected = handler;
    },
    lastLines: () => [...tail],
    async stop(timeoutMs = 15_000) {
      stopping = true;
      if (!live.has(pid)) return;
      signalGroup(pid, options.stopSignal);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on now (the system picks it; another program may take it later). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portTaken(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until `port` accepts connections; fails when `child` exits first or after `timeoutMs`. */
export async function waitForPort(port: number, child: Child, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  void child.exited.then(({ code, signal }) => (exited = signal ?? `exit code ${code}`));
  const until = Date.now() + timeoutMs;
  while (!(await portTaken(port))) {
    if (exited !== undefined) {
      const said = child.lastLines().slice(-5).join('\n');
      throw new Error(`${child.name} exited while starting (${exited})${said ? `; its last output:\n${said}` : ''}`);
    }
    if (Date.now() > until) throw new Error(`${child.name} did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process (Linux /proc), or undefined. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/**
 * A server this data directory's earlier start left running (its pid, from the first line of `pidFile`, is alive and
 * its command line names `marker`, the data directory's own file): says so and stops it, so a new start never
 * reuses it silently. Returns whether one was stopped.
 */
export async function stopStale(
  name: string,
  pidFile: string,
  marker: string,
  signal: NodeJS.Signals,
  log: Logger,
): Promise<boolean> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !alive(pid)) return false;
  if (!commandLine(pid)?.includes(marker)) return false;
  log.warn(
    { pid, server: name },
    `found a ${name} left running by an earlier start of this data directory; stopping it`,
  );
  progress(`${name}: stopping the one an earlier start left running (pid ${pid})`);
  try {
    process.kill(pid, signal);
  } catch {
    return true;
  }
  const until = Date.now() + 15_000;
  while (alive(pid)) {
    if (Date.now() > until) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

let progressSink: ((message: string) => void) | undefined;

/** `npm start` shows its progress lines to the person who ran it; other callers (tests, benchmarks) do not. */
export function showProgress(sink: (message: string) => void): void {
  progressSink = sink;
}

/** One line of start-up progress for people (see showProgress); the structured log is separate. */
export function progress(message: string): void {
  progressSink?.(message);
}
