/**
 * S-3.2, L-2: waiting for missing materials with the reminder ladder. Helpers of applicationWorkflow; not exported
 * from the barrel.
 */
import { condition } from '@temporalio/workflow';
import { reminderSchedule, type Reminder } from '../domain/deadlines';
import type { ApplicationState } from '../domain/definitions';
import { correctionReminderText } from '../domain/materials';

export interface CorrectionContext {
  state: ApplicationState;
  reminderDaysBefore: number[];
  reminderHourCst: number;
  notify(key: string, template: string, body: string): Promise<void>;
}

/**
 * Waits until the materials are complete (true) or the deadline passes (false). Reminders go out on the ladder of
 * the deadline in force, each once: none after the materials arrive, none that were already past when the ladder was
 * set (e.g. a short period), and a new ladder after an extension.
 */
export async function awaitCorrection(ctx: CorrectionContext): Promise<boolean> {
  const { state } = ctx;
  let ladderFor: string | undefined;
  let pending: Reminder[] = [];
  while (state.stage === 'awaiting_materials') {
    const deadline = state.correctionDueAt!;
    if (ladderFor !== deadline) {
      ladderFor = deadline;
      pending = reminderSchedule(new Date(deadline), ctx.reminderDaysBefore, ctx.reminderHourCst).filter(
        (r) => r.at.getTime() > Date.now(),
      );
    }
    const next = pending[0];
    const wakeAt = next ? next.at.getTime() : new Date(deadline).getTime();
    if (wakeAt <= Date.now()) return false;
    const interrupted = await condition(
      () => state.stage !== 'awaiting_materials' || state.correctionDueAt !== deadline,
      wakeAt - Date.now(),
    );
    if (interrupted) continue;
    if (!next) return false;
    pending.shift();
    const text = correctionReminderText({
      applicationNo: state.applicationNo,
      missing: state.materialsMissing,
      dueAt: new Date(deadline),
    });
    await ctx.notify(next.key, 'correction_reminder', text);
  }
  return true;
}
