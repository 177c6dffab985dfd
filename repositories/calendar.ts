/**
 * The holiday calendar in force (domain/calendar.ts): the maintained package `chinese-days` (pinned; its data ships
 * inside the package, nothing is downloaded at run time) for the years it has, and the years the city centre entered
 * (`holiday_arrangement`, one revision per change) in place of the package's. The worker's `holidayCalendar`
 * activity and the API's calendar routes read it here.
 */
import packaged from 'chinese-days/dist/chinese-days.json';
import packageJson from 'chinese-days/package.json';
import { mergeCalendars, type Calendar } from '../domain/calendar';
import type { CstDate } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';

/** The package's name and version, the first part of every calendar version. */
export const PACKAGED_CALENDAR = `chinese-days@${packageJson.version}`;

/** `"National Day,国庆节,3"` → `国庆节`. */
const chineseName = (entry: string): string => entry.split(',')[1] ?? entry;
const namesOf = (table: Record<string, string>): Record<CstDate, string> =>
  Object.fromEntries(Object.entries(table).map(([date, entry]) => [date, chineseName(entry)]));

/** The package's arrangement: holidays (rest days) and the weekend days made working days. */
export const PACKAGED = { rest: namesOf(packaged.holidays), work: namesOf(packaged.workdays) };
export const PACKAGED_YEARS = [...new Set(Object.keys(packaged.holidays).map((d) => Number(d.slice(0, 4))))].sort();

export interface ArrangementDay {
  date: CstDate;
  kind: 'rest' | 'work';
  name: string;
}

export interface YearCalendar {
  year: number;
  /** `package` (chinese-days), `entered` (an administrator's revision), or `none` (weekends only). */
  source: 'package' | 'entered' | 'none';
  revision: number | null;
  enteredBy: string | null;
  enteredAt: string | null;
  days: ArrangementDay[];
  /** Every revision entered for this year, latest first. */
  revisions: Array<{ revision: number; enteredBy: string; enteredAt: string; days: number }>;
}

export function createCalendarRepository(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;

  /** The latest revision of every entered year. */
  async function latestEntered() {
    const rows = await prisma.$queryRaw<Array<{ year: number; revision: number }>>`
      SELECT year, max(revision)::int AS revision FROM holiday_arrangement GROUP BY year ORDER BY year`;
    const days = rows.length
      ? await prisma.holidayArrangement.findMany({
          where: { OR: rows.map((r) => ({ year: r.year, revision: r.revision })) },
          orderBy: { date: 'asc' },
        })
      : [];
    return { revisions: rows, days };
  }

  /** The calendar in force, named by the package's version and each entered year's revision. */
  async function calendar(): Promise<Calendar> {
    const { revisions, days } = await latestEntered();
    const version = [PACKAGED_CALENDAR, ...revisions.map((r) => `${r.year}r${r.revision}`)].join('+');
    return mergeCalendars(
      PACKAGED,
      days.map((d) => ({ date: d.date, kind: d.kind === 'work' ? 'work' : 'rest', name: d.name })),
      version,
    );
  }

  async function year(y: number): Promise<YearCalendar> {
    const rows = await prisma.holidayArrangement.findMany({ where: { year: y }, orderBy: [{ revision: 'desc' }] });
    const byRevision = new Map<number, typeof rows>();
    for (const r of rows) byRevision.set(r.revision, [...(byRevision.get(r.revision) ?? []), r]);
    const revisions = [...byRevision.entries()].map(([revision, list]) => ({
      revision,
      enteredBy: list[0]!.enteredBy,
      enteredAt: list[0]!.enteredAt.toISOString(),
      days: list.length,
    }));
    const latest = revisions[0];
    if (latest) {
      const days = byRevision
        .get(latest.revision)!
        .map((d) => ({ date: d.date, kind: d.kind === 'work' ? ('work' as const) : ('rest' as const), name: d.name }))
        .sort((a, b) => a.date.localeCompare(b.date));
      return { year: y, source: 'entered', ...latest, days, revisions };
    }
    const prefix = `${y}-`;
    const days: ArrangementDay[] = [
      ...Object.entries(PACKAGED.rest).map(([date, name]) => ({ date, kind: 'rest' as const, name })),
      ...Object.entries(PACKAGED.work).map(([date, name]) => ({ date, kind: 'work' as const, name })),
    ]
      .filter((d) => d.date.startsWith(prefix))
      .sort((a, b) => a.date.localeCompare(b.date));
    return {
      year: y,
      source: days.length ? 'package' : 'none',
      revision: null,
      enteredBy: null,
      enteredAt: null,
      days,
      revisions: [],
    };
  }

  /**
   * Enters a year's arrangement as a new revision; the same days as the latest revision again add nothing
   * (`replayed`). The caller has checked the days (each in `y`, no date twice).
   */
  async function enter(y: number, days: readonly ArrangementDay[], enteredBy: string) {
    const canonical = [...days].sort((a, b) => a.date.localeCompare(b.date));
    const same = (a: readonly ArrangementDay[]) =>
      a.length === canonical.length &&
      a.every(
        (d, i) => d.date === canonical[i]!.date && d.kind === canonical[i]!.kind && d.name === canonical[i]!.name,
      );
    return prisma.$transaction(
      async (tx) => {
        const last = await tx.holidayArrangement.findFirst({ where: { year: y }, orderBy: { revision: 'desc' } });
        if (last) {
          const current = await tx.holidayArrangement.findMany({
            where: { year: y, revision: last.revision },
            orderBy: { date: 'asc' },
          });
          const asDays = current.map((d) => ({ date: d.date, kind: d.kind as ArrangementDay['kind'], name: d.name }));
          if (same(asDays)) return { revision: last.revision, replayed: true };
        }
        const revision = (last?.revision ?? 0) + 1;
        await tx.holidayArrangement.createMany({
          data: canonical.map((d) => ({ year: y, revision, date: d.date, kind: d.kind, name: d.name, enteredBy })),
        });
        return { revision, replayed: false };
      },
      { isolationLevel: 'Serializable' },
    );
  }

  /**
   * The application numbers of cases whose workflow may still run (their deadlines hear of a changed calendar): all
   * but the closed ones; a refused or terminated case stays open to objection (L-10) until its window ends. In pages
   * by application number when asked (`after`, `limit`).
   */
  async function openCases(
    page: { after?: string; limit?: number } = {},
  ): Promise<Array<{ applicationNo: string; stage: string }>> {
    return prisma.application.findMany({
      where: {
        stage: { not: 'closed' },
        ...(page.after === undefined ? {} : { applicationNo: { gt: page.after } }),
      },
      select: { applicationNo: true, stage: true },
      orderBy: { applicationNo: 'asc' },
      ...(page.limit === undefined ? {} : { take: page.limit }),
    });
  }

  return { calendar, year, enter, openCases };
}

export type CalendarRepository = ReturnType<typeof createCalendarRepository>;

/** The package's calendar alone (no entered year): what tests count expected deadlines of the package's years with. */
export const packagedCalendar = (): Calendar => mergeCalendars(PACKAGED, [], PACKAGED_CALENDAR);
