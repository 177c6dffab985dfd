/**
 * Eligibility decided by the running workflow (not only the pure module): every S-1.2 ground, every L-8 ground, L-4,
 * and the age boundaries on the birthday, on the real time-skipping server with the record in PostgreSQL.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { applicationWorkflowId, type ApplicationInput, type EligibilityClaims } from '../../domain/definitions';
import { NO_TEST_GROUNDS, type NoTestGround } from '../../domain/eligibility';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import {
  until,
  applicationInput,
  residentIdNumber,
  startWorkflowSuite,
  uniqueTaskQueue,
  type WorkflowSuite,
} from '../support/context';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('eligibility');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

let serial = 100;
/** Starts a case received "today" (the test server's clock) by someone born `yearsAgo` years ago on `dayOffset`. */
async function decided(overrides: Partial<ApplicationInput> & { yearsAgo?: number; birthdayOffsetDays?: number }) {
  const now = new Date(await env.currentTimeMs());
  const today = cstDateOf(now);
  const birth = new Date(`${Number(today.slice(0, 4)) - (overrides.yearsAgo ?? 40)}${today.slice(4)}T00:00:00Z`);
  birth.setUTCDate(birth.getUTCDate() + (overrides.birthdayOffsetDays ?? 0));
  const { yearsAgo: _y, birthdayOffsetDays: _d, ...rest } = overrides;
  const input = applicationInput({
    receivedAt: now.toISOString(),
    applicant: {
      name: '资格样例',
      idNumber: residentIdNumber(birth.toISOString().slice(0, 10).replace(/-/g, ''), String(serial++)),
    },
    economicSituation: { householdSize: 1, monthlyHouseholdIncome: 9000, commitmentSigned: true },
    ...rest,
  });
  await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  const row = await until(
    () => prisma.application.findUnique({ where: { applicationNo: input.applicationNo } }),
    (row) => !!row,
    () => 'not recorded',
  );
  return row!.eligibility as { outcome: { kind: string; ruleIds: string[]; grounds?: string[] } };
}

test.each(Object.keys(NO_TEST_GROUNDS) as NoTestGround[])(
  'L-8 %s: no hardship test, whatever the income',
  async (ground) => {
    const e = await decided({ eligibilityClaims: { noTestGround: ground } });
    expect(e.outcome).toMatchObject({ kind: 'no_test', ruleIds: ['L-8'] });
  },
);

test('L-4 a notification case: no hardship test', async () => {
  const e = await decided({ channel: 'notification' });
  expect(e.outcome).toMatchObject({ kind: 'no_test', ruleIds: ['L-4'] });
});

test.each<[string, EligibilityClaims, Partial<ApplicationInput> & { yearsAgo?: number }]>([
  [
    'S-1.2(a)',
    { migrantWorker: true, documentsSeen: ['labour_relation_proof'] },
    { matter: { category: 'labour_remuneration', summary: '欠薪' } },
  ],
  [
    'S-1.2(b)',
    {
      specialGroup: 'disabled',
      noFixedIncome: true,
      documentsSeen: ['disability_certificate', 'no_fixed_income_statement'],
    },
    {},
  ],
  ['S-1.2(c)', { assistance: 'social_assistance', documentsSeen: ['assistance_certificate'] }, {}],
  ['S-1.2(d)', { seriousIllness: true, documentsSeen: ['diagnosis'] }, { yearsAgo: 65 }],
  [
    'S-1.2(e)',
    { otherGroup: 'returned_veteran', documentsSeen: ['group_membership_proof'] },
    {
      rules: {
        ...DEFAULT_RULE_CONFIG,
        hardshipStandard: { id: 'T', monthlyIncomePerCapita: 1500, otherExemptGroups: ['returned_veteran'] },
      },
    },
  ],
])('%s waived with its supporting document', async (ground, claims, extra) => {
  const e = await decided({ eligibilityClaims: claims, ...extra });
  expect(e.outcome).toMatchObject({ kind: 'waived', grounds: [ground] });
});

test.each([
  [70, 0, 'waived', 'turns 70 on the application date'],
  [70, 1, 'verify', 'turns 70 tomorrow (69)'],
  [60, 0, 'waived', 'turns 60 today, seriously ill'],
  [60, 1, 'verify', 'turns 60 tomorrow (59), seriously ill'],
])('S-1.2(d) age boundary: born %i years ago, %i day(s) later: %s (%s)', async (yearsAgo, birthdayOffsetDays, kind) => {
  const claims: EligibilityClaims = yearsAgo === 60 ? { seriousIllness: true, documentsSeen: ['diagnosis'] } : {};
  const e = await decided({ yearsAgo, birthdayOffsetDays, eligibilityClaims: claims });
  expect(e.outcome.kind).toBe(kind);
});
