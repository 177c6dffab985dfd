/** Fixtures for tests past the decision: a pool of an agency of the test's own, granted cases, settled picks. */
import { randomUUID } from 'node:crypto';
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgencyCode } from '../../domain/agencies';
import {
  applicationWorkflowId,
  decide,
  getState,
  type ApplicationInput,
  type ApplicationState,
} from '../../domain/definitions';
import type { IntakeDetails, NotificationDetails } from '../../domain/intake';

/** L-4: a court's letter (通知辩护公函), for fixtures; tests give each its own number. */
export const NOTIFICATION_LETTER: NotificationDetails = {
  organ: 'court',
  organName: '绍兴市越城区人民法院',
  letterNo: '（2026）浙0602刑初1号',
  noticeDate: '2026-11-20',
  caseStage: 'first_instance',
  ground: 'not_fully_capable',
};
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import { applicationInput, testApplicationNo, until, untilStage } from './context';
import { executeStep } from '../../platform/step-client';

export interface MemberSpec {
  dutyLawyer?: boolean;
  criminalDefenceYears?: number;
  juvenileCompetent?: boolean;
  /** S-2.9(c): `criminal` marks a criminal-defence specialist. */
  specialties?: string[];
  status?: string;
}

/** An agency of the test's own with institutions A, B, ... and their members `<agency>-a1`, ... */
export async function createPool(prisma: PrismaClient, spec: Record<string, Record<string, MemberSpec>>) {
  const agency = `T${randomUUID().slice(0, 7)}`;
  for (const [i, [inst, members]] of Object.entries(spec).entries()) {
    await prisma.poolInstitution.create({
      data: { id: `${agency}-${inst}`, agencyCode: agency, name: `${inst}律师事务所`, listOrder: i },
    });
    for (const [m, facts] of Object.entries(members)) {
      await prisma.poolMember.create({ data: { id: `${agency}-${m}`, institutionId: `${agency}-${inst}`, ...facts } });
    }
  }
  const id = (m: string) => `${agency}-${m}`;
  const turns = async () =>
    Object.fromEntries(
      (await prisma.poolMember.findMany({ where: { institution: { agencyCode: agency } } })).map((m) => [
        m.id.slice(agency.length + 1),
        m.turns,
      ]),
    );
  const ledger = () => prisma.rotationLedger.findMany({ where: { agencyCode: agency }, orderBy: { seq: 'asc' } });
  return { agency, id, turns, ledger };
}

type Handle = { query: (q: typeof getState) => Promise<ApplicationState> };

/** Case helpers bound to a time-skipping environment, a database and a task queue. */
export function caseFixtures(suite: () => { env: TestWorkflowEnvironment; prisma: PrismaClient }, taskQueue: string) {
  const db = () => suite().prisma;
  /** Until the pick in flight is done and stored (the stage is entered before the pick). */
  async function settled(handle: Handle) {
    await until(
      async () => {
        const state = await handle.query(getState);
        const row = await db().application.findUnique({ where: { applicationNo: state.applicationNo } });
        return { state, row };
      },
      ({ state, row }) => !!state.assignment && state.assignment.status !== 'picking' && row?.stageSeq === state.seq,
      () => 'the assignment never settled',
    );
  }

  async function grantedCase(agency: string, overrides: Partial<ApplicationInput> = {}, intake?: IntakeDetails) {
    const { env, prisma } = suite();
    const input: ApplicationInput = applicationInput({
      agencyCode: agency as AgencyCode,
      receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      ...(intake ? { intake } : {}),
      ...overrides,
    });
    const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue,
      args: [input],
    });
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
    // S-2.9(b) and the other direct routes may pass through `assigning` before the first poll.
    await untilStage(handle, prisma, ['assigning', 'assigned']);
    await settled(handle);
    return { input, handle };
  }

  /**
   * L-4: a notification case registered from the organ's letter: no application, no decision; it goes to assignment at
   * once. The person has no resident ID number unless `overrides` gives one.
   */
  async function notificationCase(
    agency: string,
    letter: Partial<NotificationDetails> = {},
    overrides: Partial<ApplicationInput> = {},
  ) {
    const { env, prisma } = suite();
    const input: ApplicationInput = applicationInput({
      agencyCode: agency as AgencyCode,
      channel: 'notification',
      receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      applicant: { name: '无名氏（编号 0417）' },
      matter: { category: 'criminal_defence', summary: '涉嫌盗窃罪' },
      economicSituation: undefined,
      materialsSupplied: [],
      materialsRequired: [],
      intake: {
        notification: {
          ...NOTIFICATION_LETTER,
          letterNo: `（2026）浙0602刑初${randomUUID().slice(0, 6)}号`,
          ...letter,
        },
      },
      ...overrides,
    });
    const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue,
      args: [input],
    });
    await untilStage(handle, prisma, ['assigning', 'assigned']);
    await settled(handle);
    return { input, handle };
  }

  const events = (applicationNo: string) =>
    db().applicationStageEvent.findMany({ where: { applicationNo }, orderBy: { seq: 'asc' } });

  return { settled, grantedCase, notificationCase, events };
}

/** The business failure of a rejected update (or undefined when it was accepted). */
export const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
  );

/** A stored application row with no workflow behind it (read-model and figures tests); returns its number. */
export async function storedApplication(
  prisma: PrismaClient,
  agencyCode: string,
  extra: Partial<Parameters<PrismaClient['application']['create']>[0]['data']> = {},
): Promise<string> {
  const applicationNo = testApplicationNo();
  await prisma.application.create({
    data: {
      applicationNo,
      agencyCode,
      channel: 'walk_in',
      matterCategory: 'labour_remuneration',
      applicant: {},
      matter: {},
      economicSituation: {},
      receivedAt: new Date(),
      stage: 'under_review',
      stageEnteredAt: new Date(),
      stageSeq: 2,
      ...extra,
    },
  });
  return applicationNo;
}

/** An open obligation with no workflow behind it: the agency head's overdue decision (L-1). */
export function overdueDecision(prisma: PrismaClient, applicationNo: string, agencyCode: string) {
  return prisma.obligation.create({
    data: {
      applicationNo,
      source: 'application',
      key: 'decision',
      kind: 'decision',
      ownerRole: 'agency_head',
      ownerId: agencyCode,
      since: new Date(Date.now() - 9 * 86_400_000),
      dueAt: new Date(Date.now() - 86_400_000),
      ruleId: 'L-1',
      stateSeq: 2,
    },
  });
}

/** A civil/administrative scoring sheet in force (S-4.4 test data: two items whose maximums add up to 100). */
export function civilScoringSheet(prisma: PrismaClient, prefix: string) {
  const version = Math.floor(Math.random() * 1e6) + 1000;
  return prisma.scoringSheet.create({
    data: {
      id: `${prefix}-civil-${version}`,
      kind: 'civil_administrative',
      version,
      title: '测试评分表',
      items: [
        { code: 'procedure', label: '办案程序', max: 40, weight: 1 },
        { code: 'quality', label: '办案质量', max: 60, weight: 1 },
      ],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'test',
    },
  });
}
