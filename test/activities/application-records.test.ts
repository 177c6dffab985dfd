/** Activities against the real PostgreSQL of this run: idempotent under retries, safe under reordering. */
import { createActivities } from '../../activities';
import type { ApplicationState } from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import { applicationInput, testPrisma } from '../support/context';
import { openRecord, recordEvent } from '../support/records';

let prisma: PrismaClient;
let activities: ReturnType<typeof createActivities>;

beforeAll(() => {
  prisma = testPrisma();
  activities = createActivities({ prisma });
});
afterAll(() => prisma.$disconnect());

function initialState(applicationNo: string, receivedAt: string): ApplicationState {
  return {
    applicationNo,
    agencyCode: 'KQ',
    channel: 'walk_in',
    stage: 'received',
    stageEnteredAt: receivedAt,
    seq: 1,
    materialsSupplied: ['identity_proof'],
    materialsMissing: ['economic_statement', 'matter_evidence'],
  };
}

test('the opening batch (recordCase) retried three times writes one application and one event', async () => {
  const input = applicationInput();
  const state = initialState(input.applicationNo, input.receivedAt);
  for (let i = 0; i < 3; i++) await openRecord(activities, input, state);
  expect(await prisma.application.count({ where: { applicationNo: input.applicationNo } })).toBe(1);
  expect(await prisma.applicationStageEvent.count({ where: { applicationNo: input.applicationNo } })).toBe(1);
  const row = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
  expect(row.applicant).toEqual(input.applicant);
  expect(row.stage).toBe('received');
});

test('recordCase is idempotent and a late, older event never overwrites a newer state', async () => {
  const input = applicationInput();
  const base = initialState(input.applicationNo, input.receivedAt);
  await openRecord(activities, input, base);
  const awaiting: ApplicationState = {
    ...base,
    stage: 'awaiting_materials',
    seq: 2,
    correctionDueAt: '2026-12-11T16:00:00.000Z',
  };
  const terminated: ApplicationState = { ...awaiting, stage: 'terminated', seq: 3, closedReason: '逾期未补齐材料' };
  const event = (state: ApplicationState) => ({
    applicationNo: state.applicationNo,
    seq: state.seq,
    stage: state.stage,
    at: new Date().toISOString(),
    actor: 'system',
    ruleIds: ['S-3.2', 'L-2'],
  });
  await recordEvent(activities, event(terminated), terminated);
  await recordEvent(activities, event(awaiting), awaiting); // arrives late
  await recordEvent(activities, event(terminated), terminated); // retried

  const row = await prisma.application.findUniqueOrThrow({
    where: { applicationNo: input.applicationNo },
    include: { stageEvents: { orderBy: { seq: 'asc' } } },
  });
  expect(row.stage).toBe('terminated');
  expect(row.stageSeq).toBe(3);
  expect(row.closedReason).toBe('逾期未补齐材料');
  expect(row.stageEvents.map((e) => [e.seq, e.stage])).toEqual([
    [1, 'received'],
    [2, 'awaiting_materials'],
    [3, 'terminated'],
  ]);
});

test('a failing write surfaces without the data it tried to write (no personal data in errors)', async () => {
  const input = applicationInput({ applicant: { name: '孙八', idNumber: '11010519491231002X', phone: '13700000000' } });
  // An agency code longer than the column allows makes PostgreSQL refuse the row.
  const bad = { ...input, agencyCode: 'TOO-LONG-AGENCY-CODE' as never };
  const state = initialState(input.applicationNo, input.receivedAt);
  const failure = await openRecord(activities, bad, state).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(failure).toBeInstanceOf(Error);
  expect(failure!.message).toMatch(/^recordCase failed/);
  for (const secret of ['孙八', '11010519491231002X', '13700000000', 'TOO-LONG'])
    expect(failure!.message).not.toContain(secret);
});
