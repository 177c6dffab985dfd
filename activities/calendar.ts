/**
 * The holiday calendar for workflows (Civil Code art. 203): `holidayCalendar` is the activity a workflow calls when
 * it counts deadlines, so the calendar it used is in its history and replay counts the same days. The broadcast of a
 * calendar change (workflows/calendar-broadcast.ts) lists the open cases in pages and signals them here.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { calendarFrom, type Calendar } from '../domain/calendar';
import {
  applicationWorkflowId,
  calendarChanged,
  complaintWorkflowId,
  evaluationWorkflowId,
} from '../domain/definitions';
import type { PrismaClient } from '../prisma/generated/client';
import { createCalendarRepository } from '../repositories/calendar';

export function createCalendarActivities({ prisma }: { prisma: PrismaClient }) {
  const calendars = createCalendarRepository({ prisma });
  return {
    /** The calendar in force, from `fromYear` on (a case's deadlines never fall before the year it was received). */
    async holidayCalendar(args: { fromYear: number }): Promise<Calendar> {
      return calendarFrom(await calendars.calendar(), args.fromYear);
    },

    /**
     * A page of the workflows of cases not closed (the read model), after the application number `after`: each case's
     * workflow, and its evaluation's while it is being evaluated; the first page also has the open complaints'
     * workflows. `next` is the cursor of the following page.
     */
    async openCaseWorkflows(args: {
      after?: string;
      limit: number;
    }): Promise<{ workflowIds: string[]; next?: string }> {
      const page = await calendars.openCases(args);
      const workflowIds = page.flatMap((c) => [
        applicationWorkflowId(c.applicationNo),
        ...(c.stage === 'evaluating' ? [evaluationWorkflowId(c.applicationNo)] : []),
      ]);
      // L-13: open complaints count their periods still to come with the new calendar too (on the first page).
      if (args.after === undefined) {
        const complaints = await prisma.complaint.findMany({
          where: { status: { in: ['received', 'handling', 'decided'] } },
          select: { id: true },
        });
        workflowIds.push(...complaints.map((c) => complaintWorkflowId(c.id)));
      }
      const last = page.at(-1);
      return { workflowIds, ...(page.length === args.limit && last ? { next: last.applicationNo } : {}) };
    },

    /**
     * Tells each workflow that the calendar changed (a repeat is harmless: a case with the calendar already changes
     * nothing). One that ended meanwhile is skipped; any other failure fails the activity, and its retry signals the
     * page again.
     */
    async signalCalendarChanged(args: { workflowIds: string[] }): Promise<{ notified: number }> {
      const client = Context.current().client;
      let notified = 0;
      const failed: string[] = [];
      await Promise.all(
        args.workflowIds.map(async (workflowId) => {
          try {
            await client.workflow.getHandle(workflowId).signal(calendarChanged);
            notified += 1;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError')
              return;
            failed.push((err as Error).name);
          }
        }),
      );
      if (failed.length > 0) throw new Error(`calendar change not signalled to ${failed.length} workflows`);
      return { notified };
    },
  };
}
