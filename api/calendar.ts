/**
 * The holiday calendar (Civil Code art. 203): read a year's arrangement, and the city centre's entry of one
 * (api/contract/calendar.ts). An entry is a new revision of the year (repositories/calendar.ts); then every open
 * case's workflow hears `calendarChanged`, fetches the calendar again and counts again its deadlines not yet passed.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  applicationWorkflowId,
  calendarChanged,
  complaintWorkflowId,
  evaluationWorkflowId,
} from '../domain/definitions';
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
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
/** How many cases are signalled at once. */
const BATCH = 20;

export function mountCalendar(m: Mounter, deps: CalendarDeps): void {
  const C = calendarRoutes;
  const calendars = createCalendarRepository(deps);

  const view = async (year: number) => ({
    ...(await calendars.year(year)),
    version: (await calendars.calendar()).version,
  });

  /** Tells every open case (and its running evaluation) that the calendar changed; a case already ended is skipped. */
  async function announce(): Promise<{ notified: number; notReached: number }> {
    const targets = (await calendars.openCases()).flatMap((c) => [
      applicationWorkflowId(c.applicationNo),
      ...(c.stage === 'evaluating' ? [evaluationWorkflowId(c.applicationNo)] : []),
    ]);
    // L-13: open complaints count their periods still to come with the new calendar.
    const complaints = await deps.prisma.complaint.findMany({
      where: { status: { in: ['received', 'handling', 'decided'] } },
      select: { id: true },
    });
    targets.push(...complaints.map((c) => complaintWorkflowId(c.id)));
    let notified = 0;
    let notReached = 0;
    for (let i = 0; i < targets.length; i += BATCH) {
      await Promise.all(
        targets.slice(i, i + BATCH).map(async (workflowId) => {
          try {
            await deps.temporal.workflow.getHandle(workflowId).signal(calendarChanged);
            notified += 1;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError')
              return;
            notReached += 1;
            deps.log.warn({ workflowId, err: (err as Error).name }, 'calendar change not signalled');
          }
        }),
      );
    }
    return { notified, notReached };
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
    const { replayed } = await calendars.enter(year, body.days, principal.userId);
    // Also on a repeated entry: a case an earlier attempt did not reach hears of it now (a repeat moves nothing).
    const { notified, notReached } = await announce();
    res.json({ ...(await view(year)), replayed, casesNotified: notified, casesNotReached: notReached });
  });
}
