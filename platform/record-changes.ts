/**
 * Wakes whoever waits on a case when its workflow's recorder has stored a batch (the step's answer, the case's new
 * state): every recorder write notifies `case_recorded` with the workflow id in its transaction, so the notification
 * comes once the batch is committed (docs/decisions.md, "Step answers are read from the database"). One listening
 * connection per process. A notification is a hint, never the only way: a waiter always re-reads the stored record,
 * and wakes after `fallbackMs` anyway, so a lost connection (reconnected after a second) only slows answers down.
 */
import pg from 'pg';
import type { Logger } from './logger';

export const RECORDED_CHANNEL = 'case_recorded';

export class RecordChanges {
  private readonly waiters = new Map<string, Set<() => void>>();
  private client?: pg.Client;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  /** `name`: the connection's `application_name` (what `pg_stat_activity` shows operators). */
  static async listen(url: string, log: Logger, name = 'legal-aid record notifications'): Promise<RecordChanges> {
    const changes = new RecordChanges(url, log, name);
    try {
      await changes.connect();
    } catch (err) {
      await changes.close();
      throw err;
    }
    return changes;
  }

  /**
   * Resolves at the next stored batch of `workflowId`, or after `fallbackMs`. Take it before reading the record, so a
   * batch stored while reading still wakes the waiter.
   */
  next(workflowId: string, fallbackMs = 250): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(workflowId) ?? new Set();
      this.waiters.set(workflowId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(workflowId) === set) this.waiters.delete(workflowId);
        resolve();
      };
      const timer = setTimeout(done, fallbackMs);
      set.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.name });
    client.on('notification', (n) => {
      for (const wake of [...(this.waiters.get(n.payload ?? '') ?? [])]) wake();
    });
    const lost = (err?: Error) => {
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      this.log.warn({ err: err?.message }, 'record notifications lost; reconnecting in 1 s');
      setTimeout(() => void this.connect().catch(() => lost()), 1000).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${RECORDED_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      throw err;
    }
  }
}
