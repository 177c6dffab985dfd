/**
 * The staff steps of a complaint (L-13), each a check (a refusal changes nothing) and what it does. Steps run one at a
 * time in arrival order (the StepRunner), so each sees the state the previous one left. A step after its deadline is
 * still done, recorded late (the escalation has gone out).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import {
  canMove,
  checkDecision,
  COMPLAINT_MEASURES,
  COMPLAINT_OUTCOMES,
  ComplaintRuleError,
  extendHandling,
  handlingPeriod,
  INVESTIGATION_KINDS,
  mayHandle,
  notificationPeriod,
  responsePeriod,
} from '../../domain/complaints';
import { deadlineText } from '../../domain/deadlines';
import {
  acceptComplaint,
  answerComplaint,
  assignComplaintHandler,
  decideComplaint,
  ERROR_TYPES,
  extendComplaint,
  notifyComplaintResult,
  poolImpactWorkflowId,
  recordComplaintInvestigation,
  withdrawComplaint,
  type AcceptComplaintInput,
  type AnswerComplaintInput,
  type AssignComplaintHandlerInput,
  type ComplaintState,
  type DecideComplaintInput,
  type ExtendComplaintInput,
  type NotifyComplaintInput,
  type RecordInvestigationInput,
  type WithdrawComplaintInput,
} from '../../domain/definitions';
import { formatCst } from '../../domain/time';
import type { poolImpactWorkflow } from '../pool-impact';
import { fail, notice } from '../case/context';
import type { Step } from '../support/steps';
import { acts, type Complaint } from './complaint';

/** Registers the steps (before the workflow's first await). */
export function registerSteps(c: Complaint): void {
  c.steps.on(acceptComplaint, accept(c));
  c.steps.on(assignComplaintHandler, assign(c));
  c.steps.on(recordComplaintInvestigation, investigate(c));
  c.steps.on(answerComplaint, answer(c));
  c.steps.on(extendComplaint, extend(c));
  c.steps.on(decideComplaint, decide(c));
  c.steps.on(notifyComplaintResult, notify(c));
  c.steps.on(withdrawComplaint, withdraw(c));
}

const late = (due: string | undefined) => due !== undefined && Date.now() >= Date.parse(due);
const required = (text: string, message: string) => {
  if (!text.trim()) fail(message, ERROR_TYPES.invalidInput);
};
const inStatus = (s: ComplaintState, status: ComplaintState['status'], message: string) => {
  if (s.status !== status) fail(message);
};
/** A domain refusal (ComplaintRuleError) as the step's 422 answer. */
function rule<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ComplaintRuleError) fail(err.message, ERROR_TYPES.invalidInput);
    throw err;
  }
}

/** L-13: accepted (the handling clock starts, whoever is complained about is told) or refused with reasons. */
function accept(c: Complaint): Step<AcceptComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ accepted, reason, by }) => {
      inStatus(s, 'received', '该投诉已作出受理决定');
      required(by, '须注明办理人员');
      if (!accepted) required(reason, '不予受理的，须写明理由（L-13）');
    },
    run: ({ accepted, reason, by }) => {
      const now = new Date();
      s.acceptance = { accepted, reason, by, at: now.toISOString(), late: late(s.acceptDueAt) };
      if (!accepted) {
        c.move('refused');
        return c
          .save(
            ...c.toComplainant(
              'complaint-refused',
              'complaint_refused',
              `您的投诉 ${s.complaintId} 不予受理，理由：${reason}。`,
            ),
          )
          .then(() => s);
      }
      c.move('handling');
      s.dueAt = handlingPeriod(now, c.calendar, c.rules).dueAt.toISOString();
      const notices = c.toComplainant(
        'complaint-accepted',
        'complaint_accepted',
        `您的投诉 ${s.complaintId} 已受理，将于 ${formatCst(new Date(s.dueAt))} 前办结（L-13）。`,
      );
      if (s.respondent.kind !== 'agency') {
        const dueAt = responsePeriod(now, c.calendar, c.rules).dueAt;
        s.response = { dueAt: dueAt.toISOString() };
        notices.push(
          notice(
            'complaint-response',
            'complaint_response',
            `您被投诉（投诉编号 ${s.complaintId}），可就投诉事项作出说明，${deadlineText(dueAt)}提交（L-13）。`,
            `${s.respondent.kind}:${s.respondent.id}`,
          ),
        );
      }
      return c.save(...notices).then(() => s);
    },
  };
}

/** A handler who is not someone complained about (domain/complaints.ts `mayHandle`). */
function assign(c: Complaint): Step<AssignComplaintHandlerInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ handlerId, handlerRole, handlerAgency, handlerInstitution, assignedBy }) => {
      if (s.status !== 'received' && s.status !== 'handling') fail('该投诉已办结，不能再指定办理人员');
      required(handlerId, '须指定办理人员');
      required(assignedBy, '须注明指定人员');
      const handler = {
        userId: handlerId,
        role: handlerRole,
        agencyCode: handlerAgency,
        institution: handlerInstitution,
      };
      if (!mayHandle(handler, s.respondent)) {
        fail(
          '被投诉的人员、机构不能办理该投诉；投诉法律援助机构的，由司法行政部门办理（L-13）',
          ERROR_TYPES.invalidInput,
        );
      }
    },
    run: ({ handlerId, handlerRole, assignedBy }) => {
      s.handler = { id: handlerId, role: handlerRole, assignedBy, at: new Date().toISOString() };
      return c.save().then(() => s);
    },
  };
}

function investigate(c: Complaint): Step<RecordInvestigationInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ kind, summary, by }) => {
      inStatus(s, 'handling', '只有办理中的投诉可以记录调查情况');
      if (!(kind in INVESTIGATION_KINDS)) fail('调查方式不正确', ERROR_TYPES.invalidInput);
      required(summary, '请记录调查情况');
      required(by, '须注明办理人员');
    },
    run: ({ kind, summary, by }) => {
      s.investigation.push({ kind, summary, by, at: new Date().toISOString() });
      return c.save().then(() => s);
    },
  };
}

/** The member or institution complained about answers (a late answer is kept too: the handler weighs it). */
function answer(c: Complaint): Step<AnswerComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ summary, by }) => {
      inStatus(s, 'handling', '只有办理中的投诉可以答复');
      if (!s.response) fail('该投诉无需被投诉人答复');
      if (s.response.answeredAt) fail('已就该投诉作出说明');
      required(summary, '请写明说明的内容');
      required(by, '须注明答复人');
    },
    run: ({ summary, by }) => {
      const at = new Date().toISOString();
      s.response = { ...s.response!, answeredAt: at, by, summary };
      const kind = s.respondent.kind === 'member' ? 'member_statement' : 'institution_statement';
      s.investigation.push({ kind, summary, by, at });
      return c.save().then(() => s);
    },
  };
}

/** L-13: once, by at most 30 days, with the approver and the reason. */
function extend(c: Complaint): Step<ExtendComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ days, reason, approvedBy }) => {
      inStatus(s, 'handling', '只有办理中的投诉可以延长办理期限');
      required(reason, '延长办理期限须写明理由（L-13）');
      required(approvedBy, '须注明批准人（L-13）');
      rule(() => extendHandling(new Date(s.dueAt!), days, s.extension !== undefined, c.calendar, c.rules));
    },
    run: ({ days, reason, approvedBy }) => {
      const previousDueAt = s.dueAt!;
      const extended = extendHandling(new Date(previousDueAt), days, false, c.calendar, c.rules);
      s.dueAt = extended.dueAt.toISOString();
      s.extension = { days, reason, approvedBy, at: new Date().toISOString(), previousDueAt };
      return c.save().then(() => s);
    },
  };
}

/** The decision and its measures; a suspension (S-2.8(b)) through the pool's own action and impact timer. */
function decide(c: Complaint): Step<DecideComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: (d) => {
      inStatus(s, 'handling', '只有办理中的投诉可以作出处理决定');
      if (!s.handler) fail('请先指定投诉办理人员');
      if (!(d.outcome in COMPLAINT_OUTCOMES)) fail('处理结果不正确', ERROR_TYPES.invalidInput);
      if (d.measures.some((m) => !(m in COMPLAINT_MEASURES))) fail('处理措施不正确', ERROR_TYPES.invalidInput);
      rule(() => checkDecision(d, s.respondent, new Date()));
    },
    run: async ({ outcome, measures, reason, impactUntil, by }) => {
      const now = new Date();
      s.decision = {
        ...{ outcome, measures: [...new Set(measures)], reason, by, at: now.toISOString(), late: late(s.dueAt) },
        ...(impactUntil ? { impactUntil } : {}),
      };
      if (measures.includes('suspension') && impactUntil) await suspend(c, impactUntil, by);
      const notices = measureNotices(c);
      if (s.anonymous) {
        // Nobody to tell: closed with the decision; the lookup code shows the result.
        c.move('closed');
      } else {
        c.move('decided');
        s.notifyDueAt = notificationPeriod(now, c.calendar, c.rules).dueAt.toISOString();
      }
      await c.save(...notices);
      return s;
    },
  };
}

async function suspend(c: Complaint, until: string, actor: string): Promise<void> {
  const s = c.state;
  const memberId = s.respondent.id;
  const r = await c.attention.guard(() =>
    acts.suspendForComplaint({ complaintId: s.complaintId, memberId, until, actor }),
  );
  s.suspension = { eventId: r.eventId, until, refusal: r.refusal };
  if (r.impactTimer) {
    const { eventId, until: end } = r.impactTimer;
    await startChild<typeof poolImpactWorkflow>('poolImpactWorkflow', {
      workflowId: poolImpactWorkflowId(eventId),
      args: [{ memberId, eventId, until: end }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }).catch((err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  }
}

/** S-4.6 interview, correction and referrals: the people and bodies concerned are told. */
function measureNotices(c: Complaint) {
  const s = c.state;
  const d = s.decision!;
  const who = `${s.respondent.kind}:${s.respondent.id}`;
  const text = (m: keyof typeof COMPLAINT_MEASURES) =>
    `投诉 ${s.complaintId} 经查${COMPLAINT_OUTCOMES[d.outcome]}，处理措施：${COMPLAINT_MEASURES[m]}。`;
  const to: Record<keyof typeof COMPLAINT_MEASURES, string[]> = {
    interview: [who, ...(s.respondent.institutionId ? [`institution:${s.respondent.institutionId}`] : [])],
    correction: [who],
    referral_bar: [`bar_association:${s.agencyCode}`],
    referral_bureau: [`justice_bureau:${s.agencyCode}`],
    suspension: [who],
  };
  return d.measures.flatMap((m) =>
    to[m].map((recipient) => notice(`complaint-measure-${m}-${recipient}`, 'complaint_measure', text(m), recipient)),
  );
}

/** L-13: the complainant is told the result (within 5 working days of the decision). */
function notify(c: Complaint): Step<NotifyComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ by }) => {
      inStatus(s, 'decided', '该投诉尚未作出处理决定，或已告知结果');
      required(by, '须注明办理人员');
    },
    run: ({ by }) => {
      s.notified = { by, at: new Date().toISOString(), late: late(s.notifyDueAt) };
      c.move('closed');
      const d = s.decision!;
      const measures = d.measures.length
        ? `，处理措施：${d.measures.map((m) => COMPLAINT_MEASURES[m]).join('、')}`
        : '';
      return c
        .save(
          ...c.toComplainant(
            'complaint-result',
            'complaint_result',
            `您的投诉 ${s.complaintId} 已办结：${COMPLAINT_OUTCOMES[d.outcome]}${measures}。理由：${d.reason}`,
          ),
        )
        .then(() => s);
    },
  };
}

/** The complainant withdraws (before the decision); recorded, and the complaint ends. */
function withdraw(c: Complaint): Step<WithdrawComplaintInput, ComplaintState> {
  const s = c.state;
  return {
    validate: ({ reason, by }) => {
      if (!canMove(s.status, 'withdrawn')) fail('已作出处理决定或已办结的投诉不能撤回');
      required(by, '须注明撤回人');
      required(reason, '请写明撤回理由');
    },
    run: ({ reason, by }) => {
      s.withdrawal = { reason, by, at: new Date().toISOString() };
      c.move('withdrawn');
      return c.save().then(() => s);
    },
  };
}
