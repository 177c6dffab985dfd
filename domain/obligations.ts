/**
 * What a case is waiting on now (当前待办义务), who owes it and by when: a pure function of the state the workflows
 * already keep. The stored read model (`obligation`, activities/obligations.ts) is derived from the snapshots the
 * workflows write with every event, and the reconciliation job derives it again from the workflows' queries, so the
 * two can never disagree about what an obligation is. No personal data: owners are roles with ids or agency codes.
 */
import type { MovedLastDay } from './calendar';
import type { ApplicationState, ComplaintState, EvaluationState } from './definitions';
import { AID_STARTED_STAGES, type Stage } from './stages';

export const OBLIGATION_KINDS = {
  documents: '补正材料',
  verification: '经济状况核查',
  decision: '审查决定',
  objection_review: '异议审查（不予援助/终止）',
  assignment: '指派承办人员',
  member_confirmation: '确认承办人员',
  engagement: '签订委托协议',
  case_handling: '办理案件',
  closure_report: '提交结案材料',
  qa_approval: '质量管理员审核案卷',
  evaluation: '质量评估',
  expert_review: '专家复核',
  score_objection: '评估异议复核',
  spot_check: '抽查复核',
  interview: '约谈',
  payout: '发放补贴',
  complaint_acceptance: '受理投诉（L-13）',
  complaint_handling: '办理投诉（L-13）',
  complaint_response: '被投诉人答复（L-13）',
  complaint_notice: '告知投诉处理结果（L-13）',
  /** Not derived from a workflow's state: a write of the case met a data error (case_attention, api/stuck.ts). */
  data_error: '数据写入失败，需技术支持处理',
} as const;
export type ObligationKind = keyof typeof OBLIGATION_KINDS;

/**
 * Who owes an obligation. `ownerId` names the person or body: an agency code for agency-level owners, an
 * institution id, a member id, an evaluator's user id. `applicant` and `village_agent` carry no id (the case says who).
 */
export const OWNER_ROLES = {
  applicant: '申请人',
  village_agent: '村居代办人',
  agency: '法律援助机构',
  agency_head: '法律援助机构负责人',
  justice_bureau: '司法行政部门',
  institution: '法律服务机构',
  quality_manager: '机构质量管理员',
  member: '承办人员',
  evaluator: '评估人员',
  expert: '评估专家',
  city_centre: '市法律援助中心',
  system: '系统（自动处理中）',
  /** Owner of `data_error` (id: the case's agency code): a write of the case needs an operator. */
  technical_support: '技术支持',
} as const;
export type OwnerRole = keyof typeof OWNER_ROLES;

export type ObligationSource = 'application' | 'evaluation' | 'complaint';

export interface Obligation {
  /** Unique within the case: the same obligation keeps its key (a new round of it gets a new one). */
  key: string;
  kind: ObligationKind;
  ownerRole: OwnerRole;
  ownerId: string | null;
  /** ISO instant the obligation arose. */
  since: string;
  /** ISO instant it is due under the rule; null where the texts set no limit. */
  dueAt: string | null;
  /** Civil Code art. 203: why its last day moved off a rest day (`因国庆节顺延`), when it did. */
  dueMoved?: string;
  ruleId: string;
}

/** Stages in which a case waits on nobody (closed, or a refusal/termination open only to the applicant's objection). */
export const RESTING_STAGES: readonly Stage[] = ['closed', 'refused', 'terminated', 'returned'];

/** The inbox recipient of an owner, as notices name it (`agency_head:YC`, `member:m-1`); null for the case's applicant. */
export function recipientOf(ownerRole: OwnerRole, ownerId: string | null): string | null {
  if (ownerRole === 'applicant') return 'applicant';
  if (ownerRole === 'system' || ownerId === null) return null;
  return `${ownerRole}:${ownerId}`;
}

/** S-3.1: a field check is the village agent's; the other routes are the agency's own inquiries. */
function verificationObligations(state: ApplicationState): Obligation[] {
  const v = state.verification;
  if (!v || v.status !== 'pending') return [];
  const reviewing = state.stage === 'awaiting_materials' || state.stage === 'under_review';
  // S-3.2, L-7: aid accepted first is granted while its verification runs.
  if (!reviewing && !(state.acceptedFirst !== undefined && AID_STARTED_STAGES.includes(state.stage))) return [];
  return v.tasks
    .filter((t) => t.result === undefined)
    .map((t) => ({
      key: `verification:${t.id}`,
      kind: 'verification' as const,
      ownerRole: t.route === 'field_check' ? ('village_agent' as const) : ('agency' as const),
      ownerId: t.route === 'field_check' ? null : state.agencyCode,
      since: t.requestedAt,
      dueAt: t.dueAt,
      ruleId: 'S-3.1',
    }));
}

function assignmentObligations(state: ApplicationState): Obligation[] {
  const a = state.assignment;
  if (!a) {
    // Granted, the assignment not yet opened (the decision's own event): the agency owes the assignment (L-3).
    return state.stage === 'granted'
      ? [
          {
            key: 'assignment',
            kind: 'assignment',
            ownerRole: 'agency',
            ownerId: state.agencyCode,
            since: state.stageEnteredAt,
            dueAt: null,
            ruleId: 'L-3',
          },
        ]
      : [];
  }
  const round = `assignment:${a.since}`;
  if (a.status === 'picking' || a.status === 'awaiting_agency') {
    // L-4: a notification case past the law's 3 days from the letter's receipt shows the law's limit and rule.
    const lawMissed = state.channel === 'notification' && a.statutoryOverdue === true;
    return [
      {
        key: round,
        kind: 'assignment',
        ownerRole: a.status === 'picking' ? 'system' : 'agency',
        ownerId: a.status === 'picking' ? null : state.agencyCode,
        since: a.since,
        // S-3.3: the same day; once that has passed the agency is still bound by the statutory limit (L-3, L-4).
        dueAt: lawMissed ? a.statutoryDueAt : a.sameDayDueAt,
        ruleId: lawMissed ? 'L-4' : 'S-3.3',
      },
    ];
  }
  if (a.status === 'awaiting_institution') {
    return a.slots
      .filter((s) => !s.releasedAt && !s.memberId)
      .map((s) => ({
        key: `member_confirmation:${s.ledgerSeq}`,
        kind: 'member_confirmation' as const,
        ownerRole: 'institution' as const,
        ownerId: s.institutionId,
        since: s.pickedAt,
        dueAt: s.confirmDueAt ?? a.statutoryDueAt,
        ruleId: 'S-2.10',
      }));
  }
  return [];
}

function performanceObligations(state: ApplicationState): Obligation[] {
  const p = state.performance;
  if (!p) return [];
  const round = p.round ?? 0;
  if (state.stage === 'assigned') {
    if (p.engagement) return [];
    return [
      {
        key: `engagement:${round}`,
        kind: 'engagement',
        ownerRole: 'member',
        ownerId: p.memberId,
        since: state.assignment?.completedAt ?? state.stageEnteredAt,
        dueAt: p.engagementDueAt,
        ruleId: 'L-6',
      },
    ];
  }
  if (state.stage === 'performing') {
    if (p.closureDueAt) {
      // L-12: the end of the matter was reported; the file is due (again, after the quality manager returned it).
      return [
        {
          key: `closure_report:${round}`,
          kind: 'closure_report',
          ownerRole: 'member',
          ownerId: p.memberId,
          since: state.stageEnteredAt,
          dueAt: p.closureDueAt,
          ruleId: 'L-12',
        },
      ];
    }
    return [
      {
        key: `case_handling:${round}`,
        kind: 'case_handling',
        ownerRole: 'member',
        ownerId: p.memberId,
        since: state.stageEnteredAt,
        dueAt: null,
        ruleId: 'S-4.2',
      },
    ];
  }
  if (state.stage === 'file_review' && p.caseFile) {
    // S-4.3: the quality manager of the member's institution; the texts set no limit.
    return [
      {
        key: `qa_approval:${round}:${p.caseFile.round}`,
        kind: 'qa_approval',
        ownerRole: 'quality_manager',
        ownerId: p.institutionId,
        since: p.caseFile.submittedAt,
        dueAt: null,
        ruleId: 'S-4.3',
      },
    ];
  }
  return [];
}

/** S-3.2, L-7: aid accepted first and granted before its documents arrived still owes them by the deadline. */
function earlyDocuments(state: ApplicationState): Obligation[] {
  if (!state.acceptedFirst || !state.correctionDueAt || state.stage === 'file_review') return [];
  return [
    {
      key: 'documents',
      kind: 'documents',
      ownerRole: 'applicant',
      ownerId: null,
      since: state.decision?.decidedAt ?? state.stageEnteredAt,
      dueAt: state.correctionDueAt,
      ruleId: 'S-3.2',
    },
  ];
}

/** The obligations an application workflow's state implies (the evaluation's own come from its workflow). */
/** The running deadline (domain/case-deadlines.ts) an obligation's due time is, by kind. */
const DEADLINE_OF: Partial<Record<ObligationKind, string>> = {
  documents: 'correction',
  decision: 'review',
  objection_review: 'objection-review',
  engagement: 'engagement',
  closure_report: 'closure',
  evaluation: 'evaluation-step',
  expert_review: 'evaluation-step',
  score_objection: 'evaluation-step',
  spot_check: 'evaluation-step',
  interview: 'interview',
};

/** Adds why each obligation's last day moved off a rest day, from the state's `deadlineMoves`. */
function withMoves(list: Obligation[], moves: Record<string, MovedLastDay> | undefined): Obligation[] {
  if (!moves) return list;
  return list.map((o) => {
    const key = o.kind === 'verification' ? o.key : DEADLINE_OF[o.kind];
    const moved = key === undefined || o.dueAt === null ? undefined : moves[key];
    return moved ? { ...o, dueMoved: moved.reason } : o;
  });
}

export function applicationObligations(state: ApplicationState): Obligation[] {
  return withMoves(owedNow(state), state.deadlineMoves);
}

function owedNow(state: ApplicationState): Obligation[] {
  switch (state.stage) {
    case 'received':
      return [];
    case 'awaiting_materials':
      return [
        {
          key: 'documents',
          kind: 'documents',
          ownerRole: 'applicant',
          ownerId: null,
          since: state.stageEnteredAt,
          dueAt: state.correctionDueAt ?? null,
          ruleId: 'S-3.2',
        },
        ...verificationObligations(state),
      ];
    case 'under_review':
      return [
        {
          key: 'decision',
          kind: 'decision',
          ownerRole: 'agency_head',
          ownerId: state.agencyCode,
          since: state.stageEnteredAt,
          // L-1: paused while materials were awaited; the due time already includes the time that was left.
          dueAt: state.reviewDueAt ?? null,
          ruleId: 'L-1',
        },
        ...verificationObligations(state),
      ];
    case 'objection_review':
      return state.objection && !state.objection.outcome
        ? [
            {
              key: `objection_review:${state.objection.filedAt}`,
              kind: 'objection_review',
              ownerRole: 'justice_bureau',
              ownerId: state.agencyCode,
              since: state.objection.filedAt,
              dueAt: state.objection.reviewDueAt,
              ruleId: 'L-10',
            },
          ]
        : [];
    case 'granted':
    case 'assigning':
      return [...assignmentObligations(state), ...earlyDocuments(state)];
    case 'assigned':
    case 'performing':
    case 'file_review':
      return [...performanceObligations(state), ...earlyDocuments(state)];
    default:
      // evaluating: the evaluation workflow reports its own; closed, refused, terminated: nothing owed.
      return [];
  }
}

/** The obligations of an evaluation (S-4.4 – S-4.6). */
export function evaluationObligations(state: EvaluationState): Obligation[] {
  return withMoves(evaluationOwed(state), state.deadlineMoves);
}

function evaluationOwed(state: EvaluationState): Obligation[] {
  const out: Obligation[] = [];
  const step = (kind: ObligationKind, ownerRole: OwnerRole, ownerId: string | null, ruleId = 'S-4.4') =>
    out.push({
      key: `${kind}:${state.statusSince}`,
      kind,
      ownerRole,
      ownerId,
      since: state.statusSince,
      dueAt: state.dueAt ?? null,
      ruleId,
    });
  switch (state.status) {
    case 'waiting_evaluator':
      step('evaluation', 'agency', state.agencyCode);
      break;
    case 'scoring':
      if (state.evaluator) step('evaluation', 'evaluator', state.evaluator.id);
      else step('evaluation', 'agency', state.agencyCode);
      break;
    case 'expert_review':
      step('expert_review', 'expert', state.agencyCode);
      break;
    case 'objection_review':
      step('score_objection', 'city_centre', 'SX');
      break;
    case 'spot_check':
      step('spot_check', 'city_centre', 'SX');
      break;
    default:
      // objection_window: the member may object, nobody owes anything; final / special: done.
      break;
  }
  const i = state.interview;
  if (i && !i.heldOn && !i.cancelled) {
    out.push({
      key: `interview:${i.version}`,
      kind: 'interview',
      ownerRole: 'agency',
      ownerId: state.agencyCode,
      since: state.finalizedAt ?? state.statusSince,
      dueAt: i.dueAt,
      ruleId: 'S-4.6',
    });
  }
  if (state.payoutPending !== undefined) {
    // S-4.5: the payout was due when the result became final; it waits on the agency's fee schedule.
    const since = state.finalizedAt ?? state.statusSince;
    out.push({
      key: `payout:${state.current?.version ?? 0}`,
      kind: 'payout',
      ownerRole: 'agency',
      ownerId: state.agencyCode,
      since,
      dueAt: since,
      ruleId: 'S-4.5',
    });
  }
  return out;
}

/**
 * The obligations of a complaint (L-13): the acceptance, the handling (and the answer of whoever is complained about),
 * the notice of the result. Owed by the agency, or by the justice bureau for a complaint about the agency itself.
 */
export function complaintObligations(state: ComplaintState): Obligation[] {
  const body: OwnerRole = state.respondent.kind === 'agency' ? 'justice_bureau' : 'agency';
  const owe = (kind: ObligationKind, ownerRole: OwnerRole, ownerId: string | null, since: string, dueAt?: string) => ({
    key: `${kind}:${since}`,
    kind,
    ownerRole,
    ownerId,
    since,
    dueAt: dueAt ?? null,
    ruleId: 'L-13',
  });
  switch (state.status) {
    case 'received':
      return [owe('complaint_acceptance', body, state.agencyCode, state.receivedAt, state.acceptDueAt)];
    case 'handling': {
      const out = [owe('complaint_handling', body, state.agencyCode, state.statusSince, state.dueAt)];
      const r = state.response;
      if (r && !r.answeredAt) {
        const { kind, id } = state.respondent;
        out.push(
          owe('complaint_response', kind === 'member' ? 'member' : 'institution', id, state.statusSince, r.dueAt),
        );
      }
      return out;
    }
    case 'decided':
      return [owe('complaint_notice', body, state.agencyCode, state.statusSince, state.notifyDueAt)];
    default:
      return [];
  }
}
