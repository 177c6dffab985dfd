/** S-2.5 duty credit against the real PostgreSQL: a duty day is paid from a duty fee row only, never a case fee. */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import type { PrismaClient } from '../../prisma/generated/client';
import { testPrisma } from '../support/context';

let prisma: PrismaClient;
let acts: ReturnType<typeof createActivities>;

beforeAll(() => {
  prisma = testPrisma();
  acts = createActivities({ prisma });
});
afterAll(() => prisma.$disconnect());

const fee = (agencyCode: string, matterType: string, caseStage: string, amountCents: number) =>
  prisma.feeSchedule.create({
    data: { agencyCode, matterType, caseStage, amountCents, effectiveFrom: new Date('2000-01-01'), createdBy: 'test' },
  });

async function dutyDay(agencyCode: string, officerId: string) {
  for (let i = 0; i < 2; i++) {
    await acts.creditDutyCall({ callId: `D-${randomUUID().slice(0, 20)}`, officerId, agencyCode, callsPerDutyDay: 2 });
  }
  return prisma.payoutLine.findMany({ where: { memberId: officerId, kind: 'duty' } });
}

test('S-2.5 a duty day is not paid from an "any" case fee: credited, and paid once a duty fee row exists', async () => {
  const agencyCode = `D${randomUUID().slice(0, 7)}`;
  const officer = `duty-${randomUUID().slice(0, 6)}`;
  await fee(agencyCode, 'any', 'any', 150_000); // a case fee for every matter and stage
  expect(await dutyDay(agencyCode, officer)).toEqual([]);
  const credit = await prisma.dutyCredit.findUnique({
    where: { officerId_agencyCode: { officerId: officer, agencyCode } },
  });
  expect(credit?.dutyDays).toBe(1);

  await fee(agencyCode, 'any', 'duty_day', 40_000);
  const lines = await dutyDay(agencyCode, officer);
  expect(lines.map((l) => [l.amountCents, Number(l.coefficient)])).toEqual([[40_000, 1]]);
});
