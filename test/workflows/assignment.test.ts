/**
 * The assignment stage (S-3.3, L-3, L-4, S-2.9, S-2.10, L-11) on the real time-skipping test server, against a pool
 * stored in the real PostgreSQL. Each test has an agency of its own, so pools and turns never mix.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { assignCase, confirmMember, getState, replaceMember, reportConflict } from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import { caseFixtures, createPool, failureOf } from '../support/cases';
import { startWorkflowSuite, uniqueTaskQueue, untilStage, type WorkflowSuite } from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('assignment');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const { grantedCase, notificationCase, events } = caseFixtures(() => suite!, taskQueue);
const pool = (spec: Parameters<typeof createPool>[1]) => createPool(prisma, spec);

describe('S-3.3 same-day assignment by rotation, the institution confirming the member (S-2.10)', () => {
  test('S-3.3 S-2.9 granted aid is assigned at once; the institution confirms the member whose turn it was', async () => {
    const p = await pool({ A: { a1: {}, a2: {} }, B: { b1: {} } });
    const { input, handle } = await grantedCase(p.agency);
    const state = await handle.query(getState);
    expect(state.assignment).toMatchObject({ status: 'awaiting_institution', membersNeeded: 1 });
    const [slot] = state.assignment!.slots;
    expect(slot).toMatchObject({
      institutionId: p.id('A'),
      proposedMemberId: p.id('a1'),
      rule: 'S-2.9',
      turn: 'consumed',
    });
    // S-3.3: due at the end of the China day of the grant; L-3: three days later.
    expect(Date.parse(state.assignment!.sameDayDueAt) - Date.parse(state.assignment!.since)).toBeLessThanOrEqual(
      24 * 3600 * 1000,
    );
    expect(new Date(state.assignment!.sameDayDueAt).getUTCHours()).toBe(16); // 00:00 China time
    const row = await prisma.application.findUnique({ where: { applicationNo: input.applicationNo } });
    expect(row?.assignedInstitutionIds).toEqual([p.id('A')]);
    expect(row?.assignedMemberIds).toEqual([]); // not before the institution confirms

    const done = await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a1'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    expect(done.status).toBe('assigned');
    expect(done.late).toBeUndefined();
    await untilStage(handle, prisma, 'assigned');
    const stored = await prisma.application.findUnique({ where: { applicationNo: input.applicationNo } });
    expect(stored?.assignedMemberIds).toEqual([p.id('a1')]);
    expect((await events(input.applicationNo)).map((e) => e.stage)).toEqual([
      'received',
      'under_review',
      'granted',
      'assigning',
      'assigning',
      'assigning',
      'assigned',
    ]);
    const notices = await prisma.notification.findMany({ where: { applicationNo: input.applicationNo } });
    expect(notices.find((n) => n.template === 'member_confirmation')?.recipient).toBe(`institution:${p.id('A')}`);
    expect(notices.find((n) => n.template === 'assigned')).toMatchObject({ recipient: 'applicant' });
    expect(await p.turns()).toEqual({ a1: 1, a2: 0, b1: 0 });
  });

  test('S-2.10 the institution names another of its members: the proposed turn is refunded, the named one used', async () => {
    const p = await pool({ A: { a1: {}, a2: {} }, B: { b1: {} } });
    const { handle } = await grantedCase(p.agency);
    const [slot] = (await handle.query(getState)).assignment!.slots;
    // Not a member of the assigned institution: refused with the reason, nothing changes.
    const refused = await failureOf(
      executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('b1'), confirmedBy: 'inst-A', by: 'institution' }],
      }),
    );
    expect(refused?.message).toContain('不是受指派机构的法律援助人员');
    expect(await p.turns()).toEqual({ a1: 1, a2: 0, b1: 0 });

    const done = await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a2'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    expect(done.status).toBe('assigned');
    expect(done.slots[0]).toMatchObject({ memberId: p.id('a2'), rule: 'S-2.10', proposedMemberId: p.id('a1') });
    expect(await p.turns()).toEqual({ a1: 0, a2: 1, b1: 0 });
    const ledger = await p.ledger();
    expect(ledger.map((e) => [e.rule, e.chosenId.slice(p.agency.length + 1), e.turn])).toEqual([
      ['S-2.9', 'a1', 'consumed'],
      ['S-2.10', 'a1', 'refunded'],
      ['S-2.10', 'a2', 'consumed'],
    ]);
    expect(ledger[1]!.reason).toContain('S-2.10');
  });

  test('S-2.10 an institution that does not confirm in time is escalated to the agency, which names the member', async () => {
    const p = await pool({ A: { a1: {}, a2: {} } });
    const { input, handle } = await grantedCase(p.agency);
    await env.sleep('25 hours');
    const state = await handle.query(getState);
    expect(state.assignment!.slots[0]!.confirmEscalated).toBe(true);
    const notices = await prisma.notification.findMany({
      where: { applicationNo: input.applicationNo, template: 'member_confirmation_overdue' },
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.recipient).toBe(`agency_head:${p.agency}`);
    // S-3.3: the same day also passed without an assignment: escalated once, with its own event.
    const notes = (await events(input.applicationNo)).map((e) => e.note ?? '');
    expect(notes.filter((n) => n.includes('当日未完成指派'))).toHaveLength(1);
    const done = await executeStep(handle, confirmMember, {
      args: [
        {
          ledgerSeq: state.assignment!.slots[0]!.ledgerSeq,
          memberId: p.id('a1'),
          confirmedBy: 'staff-1',
          by: 'agency',
        },
      ],
    });
    expect(done).toMatchObject({ status: 'assigned', late: 'same_day' });
  });
});

describe('S-2.9 priorities in the assignment stage', () => {
  test('S-2.9(a) the applicant chose a member: the agency confirms the priority, turn deducted, assigned at once', async () => {
    const p = await pool({ A: { a1: {} }, B: { b1: {} } });
    const { handle } = await grantedCase(p.agency, {}, { assignment: { chosenMemberId: `${p.agency}-b1` } });
    const waiting = await handle.query(getState);
    expect(waiting.assignment).toMatchObject({ status: 'awaiting_agency' });
    expect(waiting.assignment!.needs).toContain('S-2.9(a)');
    const done = await executeStep(handle, assignCase, {
      args: [{ method: 'priority', rule: 'S-2.9(a)', memberId: p.id('b1'), assignedBy: 'staff-1' }],
    });
    expect(done.status).toBe('assigned');
    expect(done.slots[0]).toMatchObject({ memberId: p.id('b1'), rule: 'S-2.9(a)', turn: 'consumed' });
    expect(await p.turns()).toEqual({ a1: 0, b1: 1 });
    // A second assignment of the same case is refused, not repeated.
    const again = await failureOf(
      executeStep(handle, assignCase, { args: [{ method: 'rotation', assignedBy: 'staff-1' }] }),
    );
    expect(again?.message).toContain('不在等待法律援助机构指派');
  });

  test('S-2.9(d) the hotline officer who handled the application: assigned to them, turn kept', async () => {
    const p = await pool({ A: { a1: {} }, B: { duty1: { dutyLawyer: true } } });
    const { handle } = await grantedCase(
      p.agency,
      { channel: 'hotline' },
      { assignment: { hotlineOfficerId: `${p.agency}-duty1` } },
    );
    const done = await executeStep(handle, assignCase, {
      args: [{ method: 'priority', rule: 'S-2.9(d)', memberId: p.id('duty1'), assignedBy: 'staff-1' }],
    });
    expect(done.slots[0]).toMatchObject({ memberId: p.id('duty1'), rule: 'S-2.9(d)', turn: 'kept' });
    expect(await p.turns()).toEqual({ a1: 0, duty1: 0 });
  });

  test('S-2.9(e) the village legal advisor who filed: turn kept; S-2.9 the agency may decline and use the rotation', async () => {
    const p = await pool({ A: { a1: {} }, B: { adv1: {} } });
    const first = await grantedCase(
      p.agency,
      { channel: 'village_agent' },
      { assignment: { villageAdvisorId: `${p.agency}-adv1` } },
    );
    const kept = await executeStep(first.handle, assignCase, {
      args: [{ method: 'priority', rule: 'S-2.9(e)', memberId: p.id('adv1'), assignedBy: 'staff-1' }],
    });
    expect(kept.slots[0]).toMatchObject({ rule: 'S-2.9(e)', turn: 'kept' });
    const second = await grantedCase(
      p.agency,
      { channel: 'village_agent' },
      { assignment: { villageAdvisorId: `${p.agency}-adv1` } },
    );
    const rotated = await executeStep(second.handle, assignCase, {
      args: [{ method: 'rotation', assignedBy: 'staff-1' }],
    });
    expect(rotated).toMatchObject({ status: 'awaiting_institution' });
    expect(rotated.slots[0]).toMatchObject({ proposedMemberId: p.id('a1'), rule: 'S-2.9' });
  });

  test('S-2.9(b) the same case at a later stage goes to the same member, turn deducted, without waiting for anyone', async () => {
    const p = await pool({ A: { a1: {} }, B: { b1: {} } });
    const first = await grantedCase(p.agency);
    const [slot] = (await first.handle.query(getState)).assignment!.slots;
    await executeStep(first.handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a1'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    await untilStage(first.handle, prisma, 'assigned');
    const appeal = await grantedCase(p.agency, {}, { assignment: { earlierApplicationNo: first.input.applicationNo } });
    await untilStage(appeal.handle, prisma, 'assigned');
    const state = await appeal.handle.query(getState);
    expect(state.assignment!.slots[0]).toMatchObject({ memberId: p.id('a1'), rule: 'S-2.9(b)', turn: 'consumed' });
    expect(await p.turns()).toEqual({ a1: 2, b1: 0 });
  });

  test('S-2.9(c) L-4 L-5 a notification case with a possible life sentence goes to a duty lawyer with 3+ years of criminal defence', async () => {
    const p = await pool({
      A: { a1: {}, duty1: { dutyLawyer: true, criminalDefenceYears: 1 } },
      B: { duty2: { dutyLawyer: true, criminalDefenceYears: 5 } },
    });
    // L-4: no application and no grant: the letter's receipt opens the assignment.
    const { input, handle } = await notificationCase(p.agency, { ground: 'life_or_death_sentence' });
    const state = await handle.query(getState);
    expect(state.assignment!.slots[0]).toMatchObject({ proposedMemberId: p.id('duty2'), rule: 'S-2.9(c)' });
    // L-4: the 3 days run from the receipt of the notice.
    expect(state.assignment!.since).toBe(input.receivedAt);
    const [entry] = await p.ledger();
    // a1 comes first in the order but lacks the L-5 experience; duty1 (second round) is never reached.
    expect(entry!.skipped).toEqual([{ memberId: p.id('a1'), reason: '不具有三年以上刑事辩护经历（L-5）' }]);
    expect(await p.turns()).toEqual({ a1: 0, duty1: 0, duty2: 1 });
  });

  test('S-2.9(c) a notification case goes to the duty lawyer of the round whose stored specialties include criminal defence', async () => {
    const p = await pool({
      A: { duty1: { dutyLawyer: true, specialties: ['劳动争议'] } },
      B: { duty2: { dutyLawyer: true, specialties: ['criminal'] } },
    });
    const { handle } = await notificationCase(p.agency, {});
    expect((await handle.query(getState)).assignment!.slots[0]).toMatchObject({
      proposedMemberId: p.id('duty2'),
      rule: 'S-2.9(c)',
    });
    const [entry] = await p.ledger();
    expect(entry!.skipped).toEqual([
      { memberId: p.id('duty1'), reason: '通知类案件本轮优先指派具有刑事辩护专长的人员（S-2.9(c)）' },
    ]);
  });

  test('S-2.9(c) L-5 a juvenile notification case goes to a member competent for minors', async () => {
    const p = await pool({ A: { a1: {} }, B: { b1: { juvenileCompetent: true } } });
    const { handle } = await notificationCase(p.agency, { ground: 'minor' });
    expect((await handle.query(getState)).assignment!.slots[0]!.proposedMemberId).toBe(p.id('b1'));
  });

  test('S-2.9(f) S-3.3 a major case waits for the head; escalated at the end of the day, overdue after 3 days (L-3)', async () => {
    const p = await pool({ A: { a1: {} }, B: { senior: { criminalDefenceYears: 20 } } });
    const { input, handle } = await grantedCase(p.agency, {}, { assignment: { majorCase: true } });
    expect((await handle.query(getState)).assignment!.needs).toContain('集体讨论');
    await env.sleep('4 days');
    const state = await handle.query(getState);
    expect(state.assignment).toMatchObject({
      sameDayEscalated: true,
      statutoryOverdue: true,
      status: 'awaiting_agency',
    });
    const notices = await prisma.notification.findMany({ where: { applicationNo: input.applicationNo } });
    expect(notices.filter((n) => n.template === 'assignment_escalation')).toHaveLength(1);
    expect(notices.filter((n) => n.template === 'assignment_overdue')).toHaveLength(1);
    const noRecord = await failureOf(
      executeStep(handle, assignCase, {
        args: [{ method: 'discussion', memberId: p.id('senior'), discussionRecord: ' ', assignedBy: 'head-1' }],
      }),
    );
    expect(noRecord?.message).toContain('集体讨论记录');
    const done = await executeStep(handle, assignCase, {
      args: [
        {
          method: 'discussion',
          memberId: p.id('senior'),
          discussionRecord: '2026-11-26 集体讨论纪要第 3 号',
          assignedBy: 'head-1',
        },
      ],
    });
    expect(done).toMatchObject({ status: 'assigned', late: 'statutory' });
    expect(done.slots[0]).toMatchObject({ rule: 'S-2.9(f)', turn: 'outside' });
    expect(await p.turns()).toEqual({ a1: 0, senior: 0 });
    const assigned = (await events(input.applicationNo)).at(-1);
    expect(assigned?.note).toContain('超过法定 3 日指派期限');
  });
});

describe('S-2.10 conflicts and L-11 replacement', () => {
  async function assigned(p: Awaited<ReturnType<typeof pool>>) {
    const c = await grantedCase(p.agency);
    const [slot] = (await c.handle.query(getState)).assignment!.slots;
    await executeStep(c.handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await untilStage(c.handle, prisma, 'assigned');
    return c;
  }

  test('S-2.10 a member reports a conflict: released with the turn refunded, reassigned by rotation, the ledger says why', async () => {
    const p = await pool({ A: { a1: {} }, B: { b1: {} } });
    const { input, handle } = await assigned(p);
    const after = await executeStep(handle, reportConflict, {
      args: [{ memberId: p.id('a1'), scope: 'member', reason: '曾代理对方当事人', reportedBy: p.id('a1') }],
    });
    expect(after.status).toBe('awaiting_institution');
    expect(after.slots.map((s) => [s.proposedMemberId, s.releasedAt !== undefined])).toEqual([
      [p.id('a1'), true],
      [p.id('b1'), false],
    ]);
    expect(await p.turns()).toEqual({ a1: 0, b1: 1 });
    const ledger = await p.ledger();
    expect(ledger.map((e) => [e.rule, e.turn])).toEqual([
      ['S-2.9', 'consumed'],
      ['S-2.10', 'refunded'],
      ['S-2.9', 'consumed'],
    ]);
    expect(ledger[1]!.reason).toContain('曾代理对方当事人');
    expect(ledger[2]!.skipped).toEqual([{ memberId: p.id('a1'), reason: '报告存在利益冲突或不能承办（S-2.10）' }]);
    const stored = await prisma.application.findUnique({ where: { applicationNo: input.applicationNo } });
    expect(stored?.stage).toBe('assigning');
    expect(stored?.assignedMemberIds).toEqual([]);
  });

  test('S-2.10 a whole institution in conflict: none of its members is picked for the case', async () => {
    const p = await pool({ A: { a1: {}, a2: {} }, B: { b1: {} } });
    const { handle } = await assigned(p);
    const after = await executeStep(handle, reportConflict, {
      args: [{ memberId: p.id('a1'), scope: 'institution', reason: '本所代理对方', reportedBy: 'inst-A' }],
    });
    expect(after.slots.at(-1)!.proposedMemberId).toBe(p.id('b1'));
  });

  test('L-11 a granted replacement: the replaced member keeps the used turn, the case goes to the next member', async () => {
    const p = await pool({ A: { a1: {} }, B: { b1: {} } });
    const { handle } = await assigned(p);
    const noReason = await failureOf(
      executeStep(handle, replaceMember, { args: [{ memberId: p.id('a1'), reason: ' ', decidedBy: 'staff-1' }] }),
    );
    expect(noReason?.type).toBe('InvalidInput');
    const after = await executeStep(handle, replaceMember, {
      args: [{ memberId: p.id('a1'), reason: '受援人与律师沟通困难', decidedBy: 'staff-1' }],
    });
    expect(after.slots.at(-1)!.proposedMemberId).toBe(p.id('b1'));
    expect(await p.turns()).toEqual({ a1: 1, b1: 1 });
    const ledger = await p.ledger();
    expect(ledger[1]).toMatchObject({ rule: 'L-11', turn: 'kept', releasedTurn: 'kept' });
  });
});

describe('S-3.3 group cases and an empty pool', () => {
  test('S-3.3 a group case of 25 aided persons gets 3 members, one per 10 persons, each from the rotation', async () => {
    const p = await pool({ A: { a1: {}, a2: {} }, B: { b1: {} }, C: { c1: {} } });
    const { handle } = await grantedCase(p.agency, {}, { assignment: { aidedPersons: 25 } });
    const state = await handle.query(getState);
    expect(state.assignment!.membersNeeded).toBe(3);
    expect(state.assignment!.slots.map((s) => s.proposedMemberId)).toEqual([p.id('a1'), p.id('b1'), p.id('c1')]);
  });

  test('S-2.10 nobody eligible: the case waits for the agency with the reason, and never picks a removed member', async () => {
    const p = await pool({ A: { a1: { status: 'removed' } } });
    const { handle } = await grantedCase(p.agency);
    const state = await handle.query(getState);
    expect(state.assignment).toMatchObject({ status: 'awaiting_agency' });
    expect(state.assignment!.needs).toContain('没有可指派的法律援助人员');
    const refused = await failureOf(
      executeStep(handle, assignCase, { args: [{ method: 'rotation', assignedBy: 'staff-1' }] }),
    );
    expect(refused?.type).toBe('Unassignable');
    expect(await p.ledger()).toEqual([]);
  });
});
