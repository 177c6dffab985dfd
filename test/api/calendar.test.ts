/**
 * Civil Code art. 203: the holiday calendar through the API: reading a year, the city centre entering one (revisions
 * with who and when, audit rows, refusals that write nothing), and the entry reaching an open case's deadline.
 */
import request from 'supertest';
import { applicationWorkflowId, getState } from '../../domain/definitions';
import { startApi } from '../support/api-harness';
import { applicationInput, tokenFor, until } from '../support/context';

type Api = Awaited<ReturnType<typeof startApi>>;
let api: Api;
let city: string;
let staff: string;

beforeAll(async () => {
  api = await startApi();
  city = await tokenFor('city-cal', ['city_centre'], 'SX');
  staff = await tokenFor('staff-cal', ['agency_staff'], 'KQ');
});
afterAll(() => api?.close());

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** A year no other test enters. */
const YEAR = 2099;
const put = (days: unknown, token = city, year = YEAR) =>
  request(api.base).put(`/calendar/${year}`).set(auth(token)).send({ days });

test('S-3.2 the packaged year: 2026 National Day from the package, with the calendar version', async () => {
  const res = await request(api.base).get('/calendar/2026').set(auth(staff));
  expect(res.status).toBe(200);
  expect(res.body.source).toBe('package');
  expect(res.body.days).toContainEqual({ date: '2026-10-01', kind: 'rest', name: '国庆节' });
  expect(res.body.days).toContainEqual({ date: '2026-10-10', kind: 'work', name: '国庆节' });
  expect(res.body.version).toMatch(/^chinese-days@1\.5\.7/);
  const none = await request(api.base).get('/calendar/2096').set(auth(staff));
  expect(none.body).toMatchObject({ source: 'none', days: [] });
});

test('S-3.2 the city centre enters a year: revisions with who and when, a repeat adds nothing, each request audited', async () => {
  const first = [
    { date: `${YEAR}-10-01`, kind: 'rest', name: '国庆节' },
    { date: `${YEAR}-10-02`, kind: 'rest', name: '国庆节' },
  ];
  const a = await put(first);
  expect(a.status).toBe(200);
  expect(a.body).toMatchObject({ year: YEAR, source: 'entered', revision: 1, enteredBy: 'city-cal', replayed: false });
  expect(a.body.version).toContain(`${YEAR}r1`);

  const again = await put(first);
  expect(again.body).toMatchObject({ revision: 1, replayed: true });

  const second = await put([...first, { date: `${YEAR}-09-26`, kind: 'work', name: '国庆节' }]); // a Saturday
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ revision: 2, replayed: false });
  const read = await request(api.base).get(`/calendar/${YEAR}`).set(auth(staff));
  expect(read.body.days).toHaveLength(3);
  expect(read.body.revisions).toEqual([
    expect.objectContaining({ revision: 2, enteredBy: 'city-cal', days: 3 }),
    expect.objectContaining({ revision: 1, enteredBy: 'city-cal', days: 2 }),
  ]);

  const audit = await api.prisma.auditEvent.findMany({
    where: { action: 'calendar.manage', targetId: String(YEAR), actorId: 'city-cal' },
  });
  expect(audit.map((r) => [r.targetType, r.outcome])).toEqual([
    ['holiday_calendar', 200],
    ['holiday_calendar', 200],
    ['holiday_calendar', 200],
  ]);
});

test('S-3.2 bad arrangements are refused with a stable code and a Chinese message, and write nothing', async () => {
  const before = await api.prisma.holidayArrangement.count({ where: { year: YEAR } });
  const outside = await put([{ date: `${YEAR + 1}-01-01`, kind: 'rest', name: '元旦' }]);
  expect(outside.status).toBe(400);
  expect(outside.body.code).toBe('CALENDAR_DATE_OUTSIDE_YEAR');
  expect(outside.body.message).toContain('不在');
  const weekday = await put([{ date: `${YEAR}-10-07`, kind: 'work', name: '国庆节' }]); // a Wednesday
  expect(weekday.body.code).toBe('CALENDAR_WORK_DAY_NOT_WEEKEND');
  const twice = await put([
    { date: `${YEAR}-10-01`, kind: 'rest', name: '国庆节' },
    { date: `${YEAR}-10-01`, kind: 'work', name: '国庆节' },
  ]);
  expect(twice.status).toBe(400);
  expect(twice.body.code).toBe('VALIDATION_FAILED');
  expect((await put([{ date: 'soon', kind: 'rest', name: 'x' }])).status).toBe(400);
  expect((await put([])).status).toBe(400);
  expect((await put([{ date: `${YEAR}-10-01`, kind: 'rest', name: '国庆节' }], staff)).status).toBe(403);
  expect(await api.prisma.holidayArrangement.count({ where: { year: YEAR } })).toBe(before);
});

test('S-3.2 an entered arrangement reaches an open case: its correction deadline not yet passed moves', async () => {
  // Received 10:00 on 1 Jun 2099 + 15 days: counted last day Tuesday 16 Jun 2099.
  const input = applicationInput({ receivedAt: '2099-06-01T02:00:00.000Z', materialsSupplied: ['identity_proof'] });
  const handle = await api.client.workflow.start('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue: api.taskQueue,
    args: [input],
  });
  await until(
    () => api.prisma.application.findUnique({ where: { applicationNo: input.applicationNo } }),
    (row) => row?.stage === 'awaiting_materials',
    (row) => `stage ${row?.stage}`,
  );
  expect((await handle.query(getState)).correctionDueAt).toBe('2099-06-16T16:00:00.000Z');

  const res = await put([
    { date: `${YEAR}-06-16`, kind: 'rest', name: '端午节' },
    { date: `${YEAR}-10-01`, kind: 'rest', name: '国庆节' },
  ]);
  expect(res.status).toBe(200);
  // A durable broadcast per calendar version signals the open cases (a repeated entry starts no other).
  expect(res.body.broadcastId).toBe(`calendar-broadcast-${res.body.version}`);
  expect(res.body.revision).toBeGreaterThanOrEqual(1);
  const again = await put([
    { date: `${YEAR}-06-16`, kind: 'rest', name: '端午节' },
    { date: `${YEAR}-10-01`, kind: 'rest', name: '国庆节' },
  ]);
  expect(again.body).toMatchObject({ replayed: true, broadcastId: res.body.broadcastId });
  const broadcast = api.client.workflow.getHandle(res.body.broadcastId);
  expect((await broadcast.describe()).type).toBe('calendarBroadcastWorkflow');
  const state = await until(
    () => handle.query(getState),
    (s) => s.correctionDueAt === '2099-06-17T16:00:00.000Z',
    (s) => `correction due ${s?.correctionDueAt}`,
  );
  expect(state.correctionMoved).toEqual({ from: '2099-06-16', reason: '因端午节顺延' });
  const row = await until(
    () => api.prisma.application.findUnique({ where: { applicationNo: input.applicationNo } }),
    (r) => r?.correctionDueAt?.toISOString() === '2099-06-17T16:00:00.000Z',
    (r) => `stored ${r?.correctionDueAt?.toISOString()}`,
  );
  expect(row?.stage).toBe('awaiting_materials');
  await handle.terminate('test over');
  await broadcast.terminate('test over'); // its second pass waits a minute
});
