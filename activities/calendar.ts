/**
 * The holiday calendar for workflows (Civil Code art. 203): `holidayCalendar` is the activity a workflow calls when
 * it counts deadlines, so the calendar it used is in its history and replay counts the same days.
 */
import { calendarFrom, type Calendar } from '../domain/calendar';
import type { PrismaClient } from '../prisma/generated/client';
import { createCalendarRepository } from '../repositories/calendar';

export function createCalendarActivities({ prisma }: { prisma: PrismaClient }) {
  const calendars = createCalendarRepository({ prisma });
  return {
    /** The calendar in force, from `fromYear` on (a case's deadlines never fall before the year it was received). */
    async holidayCalendar(args: { fromYear: number }): Promise<Calendar> {
      return calendarFrom(await calendars.calendar(), args.fromYear);
    },
  };
}
