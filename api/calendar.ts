/**
 * The holiday calendar (Civil Code art. 203): read a year's arrangement, and the city centre's entry of one
 * (api/contract/calendar.ts). An entry is a new revision of the year (repositories/calendar.ts); then a durable
 * broadcast (workflows/calendar-broadcast.ts) tells every open case's workflow (`calendarChanged`), which fetches the
 * calendar again and counts again its deadlines not yet passed.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { calendarBroadcastWorkflowId } from '../domain/definitions';
import type { Logger } from '../platform/logger';
import type { PrismaClient } from '../prisma/generated/client';
import { createCalendarRepository } from '../repositories/calendar';
import { calendarRoutes } from './contract/calendar';
import { ApiError } from './errors';
import type { Mounter } from './mount';

export interface CalendarDeps {
  prisma: PrismaClient;
  temporal: Client;
  log: Logger;
  taskQueue: string;
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

export function mountCalendar(m: Mounter, deps: CalendarDeps): void {
  const C = calendarRoutes;
  const calendars = createCalendarRepository(deps);

  const view = async (year: number) => ({
    ...(await calendars.year(year)),
    version: (await calendars.calendar()).version,
  });

  /**
   * Starts the broadcast of the calendar in force to every open case (workflows/calendar-broadcast.ts): one per
   * calendar version, so a repeated entry finds the one already started (running or done) and starts no other.
   */
  async function broadcast(calendarVersion: string): Promise<string> {
    const workflowId = calendarBroadcastWorkflowId(calendarVersion);
    try {
      await deps.temporal.workflow.start('calendarBroadcastWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ calendarVersion }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return workflowId;
  }

  m.mount(C.year, async ({ params }, _req, res) => {
    res.json(await view(params.year));
  });

  m.mount(C.enterYear, async ({ params: { year }, body, principal }, _req, res) => {
    const outside = body.days.find((d) => !d.date.startsWith(`${year}-`));
    if (outside) {
      throw new ApiError(400, 'CALENDAR_DATE_OUTSIDE_YEAR', `日期 ${outside.date} 不在 ${year} 年度内`);
    }
    const weekday = body.days.find((d) => d.kind === 'work' && !isWeekend(d.date));
    if (weekday) {
      throw new ApiError(
        400,
        'CALENDAR_WORK_DAY_NOT_WEEKEND',
        `调休上班日 ${weekday.date} 不是周六或周日：工作日本来就上班，无需录入`,
      );
    }
    const { revision, replayed } = await calendars.enter(year, body.days, principal.userId);
    // Also on a repeated entry: an earlier attempt that stored the revision but crashed before the start starts it now.
    const { version } = await calendars.calendar();
    const broadcastId = await broadcast(version);
    res.json({ ...(await calendars.year(year)), version, revision, replayed, broadcastId });
  });
}
