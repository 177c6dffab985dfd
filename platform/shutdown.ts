/**
 * Orderly shutdown of a process: the steps registered as its parts came up run once, last started first stopped,
 * each bounded by a timeout, on SIGINT, SIGTERM or SIGHUP, on a failed start, or when a server it runs exits.
 *
 * A Ctrl-C in a terminal reaches npm, tsx and this process at once, and npm and tsx pass it on again: copies of the
 * first signal arriving within `repeatGraceMs` are the same request and are ignored. A signal after that is a
 * person insisting: the process exits at once, and its child servers are still signalled on the way out
 * (platform/supervisor.ts), so nothing is left running.
 */
import type { Logger } from './logger';

interface Step {
  name: string;
  run: () => Promise<unknown>;
  timeoutMs: number;
}

export class Shutdown {
  private readonly steps: Step[] = [];
  private startedAt: number | undefined;

  constructor(
    /** Replaced by the configured logger once the configuration is read. */
    public log: Logger,
    /** Copies of the first signal within this window are ignored (SHUTDOWN_REPEAT_GRACE_MS). */
    public repeatGraceMs = 1_500,
  ) {}

  /** A step to run at shutdown; steps run in the reverse order of `add`. */
  add(name: string, run: () => Promise<unknown>, timeoutMs = 15_000): void {
    this.steps.push({ name, run, timeoutMs });
  }

  get stopping(): boolean {
    return this.startedAt !== undefined;
  }

  /** Runs the steps on these signals from now on. */
  listen(signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']): this {
    for (const signal of signals) process.on(signal, () => this.onSignal(signal));
    return this;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.startedAt === undefined) {
      void this.run(`signal ${signal}`, 0);
      return;
    }
    if (Date.now() - this.startedAt < this.repeatGraceMs) {
      this.log.debug({ signal }, 'the same stop request again; already shutting down');
      return;
    }
    this.log.warn({ signal }, 'second signal: exiting now without draining (the servers are stopped on exit)');
    process.exit(130);
  }

  /** Runs every step once (later calls wait for the first), then exits with `code` (1 when a step failed). */
  async run(reason: string, code: number): Promise<void> {
    if (this.startedAt !== undefined) return;
    this.startedAt = Date.now();
    this.log.info({ reason }, 'shutting down');
    let exitCode = code;
    for (const step of [...this.steps].reverse()) {
      try {
        await withTimeout(step.run(), step.timeoutMs, step.name);
      } catch (err) {
        exitCode = 1;
        this.log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    this.log.info({ code: exitCode }, 'stopped');
    process.exit(exitCode);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not stop within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
