/**
 * The one "deadline with reminders and escalation" loop of every case workflow (correction, assignment, performance,
 * objection, evaluation, hotline). A phase says which clocks run now — each a key, a time and what to do then — and
 * the loop fires each key once when its time comes, waking early whenever the case changes so the clocks are asked
 * again: a deadline moved by an extension has a new key (the key names the due time) and so re-arms its ladder.
 */
import { condition } from '@temporalio/workflow';
import { reminderSchedule } from '../../domain/deadlines';

export interface Clock {
  /** Unique for what it does and when: `correction-reminder-3d-2026-12-11`, `assignment-same-day-<since>`. */
  key: string;
  at: number;
  /** A reminder already past when its ladder is set (a short period, an extension) is skipped, not sent late. */
  skipIfPast?: boolean;
  fire(): Promise<void> | void;
}

export interface ClockLoop {
  /** The phase is over: the loop returns. */
  done(): boolean;
  /** The clocks running now (fired keys are left out by the loop). */
  clocks(): Clock[];
  /** Changes whenever the clocks may have changed (a step was done, the stage moved). */
  version(): unknown;
  /** Runs a fire while no staff step runs (`StepRunner.hold`). */
  hold?<T>(part: () => Promise<T>): Promise<T>;
}

export async function runClocks(loop: ClockLoop): Promise<void> {
  const seen = new Set<string>();
  const fired = new Set<string>();
  for (;;) {
    if (loop.done()) return;
    const version = loop.version();
    const now = Date.now();
    const live = loop.clocks().filter((c) => !fired.has(c.key));
    for (const c of live) {
      if (!seen.has(c.key) && c.skipIfPast && c.at <= now) fired.add(c.key);
      seen.add(c.key);
    }
    const waiting = live.filter((c) => !fired.has(c.key));
    const due = waiting.filter((c) => c.at <= now);
    if (due.length > 0) {
      // One at a time, asking again after each: a fire that waits (a write) may let a step change the case.
      const clock = due[0]!;
      fired.add(clock.key);
      // A step may have run while the fire waited for its turn: it fires only if still due.
      const stillDue = () => !loop.done() && loop.clocks().some((c) => c.key === clock.key);
      if (loop.hold) await loop.hold(async () => (stillDue() ? clock.fire() : undefined));
      else await clock.fire();
      continue;
    }
    const next = waiting.length > 0 ? Math.min(...waiting.map((c) => c.at)) : undefined;
    const woke = () => loop.done() || loop.version() !== version;
    if (next === undefined) await condition(woke);
    else await condition(woke, next - now);
  }
}

/** A reminder ladder before `dueAt` (days before its last day, at an hour China time), as clocks keyed by `prefix`. */
export function ladder(
  prefix: string,
  dueAt: Date,
  daysBefore: readonly number[],
  hourCst: number,
  fire: (key: string) => Promise<void> | void,
  skipIfPast = true,
): Clock[] {
  return reminderSchedule(dueAt, daysBefore, hourCst).map((r) => {
    const key = r.key.replace('correction-', `${prefix}-`);
    return { key, at: r.at.getTime(), skipIfPast, fire: () => fire(key) };
  });
}
