/**
 * Issue 8: the obligation read model's writes against the real PostgreSQL: in step with the record, idempotent under
 * retries, ordered by the workflow's `seq` (a late retry of an older state never reopens or changes what a newer
 * one wrote), concurrent writes for one case serialised, an obligation owed again reopened.
 */
import { createActivities } from '../../activities';
import { sameObligations, storedObligations, syncObligations } from '../../activities/obligations';
import type { ApplicationState } from '../../domain/definitions';
import type { Obligation } from '../../domain/obligations';
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

const at = (iso: string) => new Date(iso).toISOString();

async function recordedCase() {
  const input = applicationInput();
  const base: ApplicationState = {
    applicationNo: input.applicationNo,
    agencyCode: input.agencyCode,
    channel: 'walk_in',
    stage: 'received',
    stageEnteredAt: input.receivedAt,
    seq: 1,
    materialsSupplied: ['identity_proof'],
    materialsMissing: ['economic_statement'],
  };
  await openRecord(activities, input, base);
  const event = (state: ApplicationState) =>
    recordEvent(
      activities,
      {
        applicationNo: state.applicationNo,
        seq: state.seq,
        stage: state.stage,
        at: state.stageEnteredAt,
        actor: 'system',
        ruleIds: [],
      },
      state,
    );
  // S-3.2: documents owed by the applicant; then L-1: the decision owed by the agency head.
  const awaiting: ApplicationState = {
    ...base,
    stage: 'awaiting_materials',
    stageEnteredAt: at('2026-11-20T02:00:00Z'),
    seq: 2,
    correctionDueAt: at('2026-12-05T16:00:00Z'),
  };
  const review: ApplicationState = {
    ...base,
    stage: 'under_review',
    stageEnteredAt: at('2026-11-22T02:00:00Z'),
    seq: 3,
    materialsMissing: [],
    reviewDueAt: at('2026-11-29T16:00:00Z'),
  };
  return { input, awaiting, review, event };
}

const open = (applicationNo: string) => storedObligations(prisma, applicationNo, 'application');

test('S-3.2 then L-1: each event moves the open obligation with the record, in one transaction', async () => {
  const { input, awaiting, review, event } = await recordedCase();
  await event(awaiting);
  expect(await open(input.applicationNo)).toEqual([
    {
      key: 'documents',
      kind: 'documents',
      ownerRole: 'applicant',
      ownerId: null,
      since: awaiting.stageEnteredAt,
      dueAt: awaiting.correctionDueAt,
      ruleId: 'S-3.2',
    },
  ]);
  await event(review);
  expect(await open(input.applicationNo)).toEqual([
    expect.objectContaining({
      key: 'decision',
      ownerRole: 'agency_head',
      ownerId: input.agencyCode,
      dueAt: review.reviewDueAt,
    }),
  ]);
  const resolved = await prisma.obligation.findFirstOrThrow({
    where: { applicationNo: input.applicationNo, key: 'documents' },
  });
  expect(resolved.resolvedAt).not.toBeNull();
});

test('a retried event changes nothing; a late retry of an older state neither reopens nor rewrites', async () => {
  const { input, awaiting, review, event } = await recordedCase();
  await event(awaiting);
  await event(review);
  const before = await prisma.obligation.findMany({
    where: { applicationNo: input.applicationNo },
    orderBy: { key: 'asc' },
  });
  await event(review);
  await event(awaiting);
  const after = await prisma.obligation.findMany({
    where: { applicationNo: input.applicationNo },
    orderBy: { key: 'asc' },
  });
  expect(after).toEqual(before);
  expect((await open(input.applicationNo)).map((o) => o.key)).toEqual(['decision']);
});

test('concurrent writes of the states of one case end with the newest, whatever order they commit in', async () => {
  const { input, review } = await recordedCase();
  const obligations = (seq: number): Obligation[] => [
    {
      key: `k${seq}`,
      kind: 'decision',
      ownerRole: 'agency_head',
      ownerId: input.agencyCode,
      since: review.stageEnteredAt,
      dueAt: null,
      ruleId: 'L-1',
    },
  ];
  await Promise.all(
    [5, 3, 9, 7, 4, 8, 6].map((seq) =>
      prisma.$transaction((tx) =>
        syncObligations(tx, {
          applicationNo: input.applicationNo,
          source: 'application',
          seq,
          obligations: obligations(seq),
          writtenBy: 'workflow',
        }),
      ),
    ),
  );
  expect((await open(input.applicationNo)).map((o) => o.key)).toEqual(['k9']);
});

test('an obligation owed again (a decision after a corrected objection, L-10) opens again', async () => {
  const { input, review, event } = await recordedCase();
  await event(review);
  await event({ ...review, stage: 'refused', seq: 4, stageEnteredAt: at('2026-11-23T02:00:00Z') });
  expect(await open(input.applicationNo)).toEqual([]);
  await event({
    ...review,
    seq: 5,
    stageEnteredAt: at('2026-11-25T02:00:00Z'),
    reviewDueAt: at('2026-12-02T16:00:00Z'),
  });
  const reopened = await open(input.applicationNo);
  expect(reopened).toEqual([
    expect.objectContaining({ key: 'decision', since: at('2026-11-25T02:00:00Z'), dueAt: at('2026-12-02T16:00:00Z') }),
  ]);
});

test('sameObligations: order-insensitive, instants to the millisecond, every field counts', () => {
  const a: Obligation = {
    key: 'd',
    kind: 'decision',
    ownerRole: 'agency_head',
    ownerId: 'KQ',
    since: '2026-11-22T02:00:00Z',
    dueAt: '2026-11-29T16:00:00.000Z',
    ruleId: 'L-1',
  };
  const b: Obligation = { ...a, key: 'v', kind: 'verification', ownerRole: 'agency' };
  expect(sameObligations([a, b], [b, { ...a, since: '2026-11-22T02:00:00.000Z' }])).toBe(true);
  expect(sameObligations([a], [{ ...a, dueAt: '2026-11-29T16:00:00.001Z' }])).toBe(false);
  expect(sameObligations([a], [{ ...a, ownerId: 'YC' }])).toBe(false);
  expect(sameObligations([a], [a, b])).toBe(false);
});
