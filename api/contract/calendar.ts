/**
 * Contract of /calendar (api/calendar.ts): the holiday calendar every period is counted with (Civil Code art. 203;
 * domain/calendar.ts). The packaged calendar has the years published when it was released; the city centre enters a
 * year's arrangement (the State Council publishes next year's each November), and open cases count their deadlines
 * again with it.
 */
import { z } from 'zod';
import { line } from '../text';
import { instant } from './answers';
import { route } from './route';

const tag = '节假日安排';

export const calendarYearParams = z.object({
  year: z.coerce.number().int('年度应为整数').min(2000, '年度不早于 2000 年').max(2100, '年度不晚于 2100 年'),
});

const kind = z.enum(['rest', 'work'], '类型只能是 rest（放假）或 work（调休上班）');
const arrangementDay = z
  .object({
    date: z.iso.date('日期格式应为 YYYY-MM-DD').describe('日期（中国时间，YYYY-MM-DD）'),
    kind: kind.describe('rest 放假（含节日中的周末）；work 调休上班的周末'),
    name: line('节日名称').trim().min(1).max(32).describe('节日名称，如 春节、国庆节'),
  })
  .strict();

export const holidayArrangementBody = z
  .object({
    days: z
      .array(arrangementDay)
      .min(1, '至少填写一天')
      .max(200, '最多 200 天')
      .refine((days) => new Set(days.map((d) => d.date)).size === days.length, '同一日期只能填写一次')
      .describe('该年度国务院办公厅通知的全部放假日与调休上班日'),
  })
  .strict();

const yearCalendar = z.object({
  year: z.number().int(),
  source: z.enum(['package', 'entered', 'none']).describe('package 随系统发布的日历；entered 管理员录入；none 未录入'),
  revision: z.number().int().nullable(),
  enteredBy: z.string().nullable(),
  enteredAt: instant.nullable(),
  days: z.array(z.object({ date: z.string(), kind, name: z.string() })),
  revisions: z.array(
    z.object({ revision: z.number().int(), enteredBy: z.string(), enteredAt: instant, days: z.number().int() }),
  ),
  version: z.string().describe('当前生效日历的版本（案件记录其期限按哪个版本计算）'),
});

const onYear = { targetType: 'holiday_calendar' } as const;

export const calendarRoutes = {
  year: route({
    method: 'get',
    path: '/calendar/:year',
    summary: '某年度的节假日安排（放假日、调休上班日）及其录入记录（民法典第二百零三条）',
    tag,
    access: 'calendar.read',
    params: calendarYearParams,
    answers: { 200: { description: '该年度的安排', schema: yearCalendar } },
  }),
  enterYear: route({
    method: 'put',
    path: '/calendar/:year',
    summary:
      '录入某年度的节假日安排（市中心）：取代随系统发布的该年度日历，作为新的修订记录保存；在办案件尚未届满的期限按新日历重新计算',
    tag,
    access: 'calendar.manage',
    params: calendarYearParams,
    body: holidayArrangementBody,
    audit: onYear,
    answers: {
      200: {
        description: '已生效的安排；与当前修订相同时不另存（replayed）',
        schema: yearCalendar.extend({
          replayed: z.boolean(),
          revision: z.number().int().describe('本次生效的修订号（与当前修订相同时为原修订号）'),
          broadcastId: z
            .string()
            .describe('通知在办案件按新日历重新计算期限的后台流程编号（每个日历版本一个，重复提交不另起）'),
        }),
      },
    },
    errors: {
      400: '日期不在该年度，或调休上班日不是周六、周日 (CALENDAR_DATE_OUTSIDE_YEAR, CALENDAR_WORK_DAY_NOT_WEEKEND)',
    },
  }),
};
