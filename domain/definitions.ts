/**
 * The one definitions module shared by the API, workflows and tests: task queue, workflow ids, every message
 * (query/update/signal) with its input and output types, and error types. Wire names equal constant names.
 */
import { defineQuery, defineSignal, type SignalDefinition } from '@temporalio/workflow';
import type { AgencyCode } from './agencies';
import type { MovedLastDay } from './calendar';
import type { CorrectionItem, MaterialCode } from './materials';
import type { EligibilityFacts } from './eligibility';
import type { AcceptedFirstGround, IntakeDetails, ReturnGround } from './intake';
import type { IdDocument } from './id-number';
import type { RuleConfig } from './rule-config';
import type { CallOutcome, HotlineRules } from './hotline';
import type {
  ComplaintGround,
  ComplaintMeasure,
  ComplaintOutcome,
  ComplaintRules,
  ComplaintStatus,
  InvestigationKind,
  RespondentKind,
} from './complaints';

export type EligibilityClaims = Partial<
  Pick<
    EligibilityFacts,
    | 'noTestGround'
    | 'migrantWorker'
    | 'specialGroup'
    | 'noFixedIncome'
    | 'assistance'
    | 'extremePoverty'
    | 'disabledOrSemiDisabled'
    | 'seriousIllness'
    | 'mobilityImpaired'
    | 'otherGroup'
    | 'documentsSeen'
  >
>;
import type { CaseStage, Stage } from './stages';

export const DEFAULT_TASK_QUEUE = 'legal-aid';

/**
 * A staff step (更新操作) sent to a case: a signal carrying the step's own id (the API's idempotency key), queued by
 * the workflow and done one at a time by its main loop; the answer is stored in `step_answer` with what the step
 * recorded, and kept for the `stepResult` query (without a database). Steps are
 * signals, not Temporal updates, so a step never adds a command to the workflow task it arrives in (see
 * docs/decisions.md, "Staff steps are signals"), and a reset reapplies them: an acknowledged step is never lost.
 */
export interface StepDefinition<Result, Input> {
  readonly name: string;
  readonly signal: SignalDefinition<[StepMessage<Input>]>;
  /** Never set: carries the result type for `executeStep`. */
  readonly result?: Result;
}

export interface StepMessage<Input> {
  /** Unique per step; the same id twice is one step (the second gets the first one's answer). */
  id: string;
  input: Input;
  /** The audit trail's row of the request that sent the step, written with the step's answer (ids only). */
  audit?: StepAudit;
}

/** Who sent a step, as the audit trail records it (`audit_event`): ids, roles and the action, no personal data. */
export interface StepAudit {
  actorId: string;
  roles: string[];
  agencyCode: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string;
}

/** The answer to a step: its value, or the refusal (the type the API maps to 422, a Chinese message). */
export type StepResult =
  { ok: true; value: unknown } | { ok: false; type: string; message: string; details?: unknown[] };

export function defineStep<Result, Input>(name: string): StepDefinition<Result, Input> {
  return { name, signal: defineSignal<[StepMessage<Input>]>(name) };
}

/** The answer to the step with this id, once it was done (null while it waits or runs). Every case workflow has it. */
export const stepResult = defineQuery<StepResult | null, [string]>('stepResult');

/** Workflow ids come from the application number, which holds no personal data. */
export function applicationWorkflowId(applicationNo: string): string {
  return `application-${applicationNo}`;
}

/** The broadcast of one calendar revision to the open cases: one per calendar version (`chinese-days@1.5.7+2027r1`). */
export function calendarBroadcastWorkflowId(calendarVersion: string): string {
  return `calendar-broadcast-${calendarVersion}`;
}

/** S-2.8(b) impact-period timer: one per status event (event ids are numbers, member ids never appear). */
export function poolImpactWorkflowId(eventId: string): string {
  return `pool-impact-${eventId}`;
}

export { CHANNELS, type Channel } from './channels';
import type { L9Ground, VerificationRoute } from './grounds';
export { L9_GROUNDS, VERIFICATION_ROUTES, type L9Ground, type VerificationRoute } from './grounds';
import type { Channel } from './channels';

export interface Applicant {
  name: string;
  /** The resident ID number; every application has one. A notification case (L-4) has it only when the organ gave it. */
  idNumber?: string;
  /** L-4: another identity document the notifying organ gave (a foreign national's passport, a permit). */
  idDocument?: IdDocument;
  phone?: string;
  email?: string;
}

export interface Matter {
  category: string;
  summary: string;
}

/** What the applicant declared about their economic situation (S-3.1 honesty commitment). */
export interface EconomicSituation {
  householdSize: number;
  monthlyHouseholdIncome: number;
  commitmentSigned: boolean;
}

export interface ApplicationInput {
  applicationNo: string;
  agencyCode: AgencyCode;
  channel: Channel;
  /** ISO instant the application was received. */
  receivedAt: string;
  applicant: Applicant;
  matter: Matter;
  /** Absent for a notification case (L-4): no hardship test, nothing to declare. */
  economicSituation?: EconomicSituation;
  materialsSupplied: MaterialCode[];
  /**
   * L-2, S-3.2: what the case requires (materials and explanations), copied from the catalogue at intake in its
   * order; absent: the common core (domain/materials.ts `COMMON_CORE`).
   */
  materialsRequired?: CorrectionItem[];
  /** Channel details: L-4 notification, L-14 custody, 市域通办 receiving office, S-2.2 paper materials. */
  intake?: IntakeDetails;
  /** What the applicant claims for the hardship test (S-1.2, L-8) and the documents staff have seen. */
  eligibilityClaims?: EligibilityClaims;
  /** Rule numbers in force when the case started. */
  rules: RuleConfig;
}

export interface Decision {
  decision: 'grant' | 'refuse';
  reason?: string;
  decidedBy: string;
  decidedAt: string;
  requestId: string;
  /** L-1: decided after the review period ended (allowed, but flagged). */
  late?: boolean;
}

/** Live state of an application workflow, returned by the `getState` query. No personal data. */
export interface ApplicationState {
  applicationNo: string;
  agencyCode: AgencyCode;
  channel: Channel;
  stage: Stage;
  stageEnteredAt: string;
  /** Number of recorded stage events; the next event gets this + 1. */
  seq: number;
  materialsSupplied: MaterialCode[];
  materialsMissing: MaterialCode[];
  correctionDueAt?: string;
  /** Civil Code art. 203: the correction period's counted last day was a rest day, and why it moved. */
  correctionMoved?: MovedLastDay;
  /** S-3.2: staff extended the correction deadline (once). */
  correctionExtended?: boolean;
  /** S-3.2: by how many days (the deadline is counted again from it when the calendar changes). */
  correctionExtensionDays?: number;
  /** The holiday calendar (domain/calendar.ts) the case's deadlines were last computed with. */
  calendarVersion?: string;
  /**
   * L-1: the review clock. `reviewDueAt` while it runs; `reviewRemainingMs` while it is paused: the whole days of the
   * period left, as milliseconds (a multiple of a day; domain/review-clock.ts).
   */
  reviewDueAt?: string;
  reviewRemainingMs?: number;
  /** L-1: when the paused review clock resumed and with how many days (counted again when the calendar changes). */
  reviewResumed?: { at: string; days: number };
  /**
   * Civil Code art. 203: the running deadlines whose counted last day was a rest day, by key (domain/case-deadlines.ts:
   * `review`, `assignment`, `closure`, ...), with why each moved (`因国庆节顺延`).
   */
  deadlineMoves?: Record<string, MovedLastDay>;
  /** L-9: why and from which stage aid was terminated (absent for withdrawal at the correction deadline, L-2). */
  termination?: { ground: L9Ground; reason: string; terminatedBy: string; at: string; fromStage: Stage };
  /** S-4.5: the aid was terminated (final) after a member was assigned: its evaluation pays the terminated-case share. */
  evaluatedAsTerminated?: true;
  /** L-10: an objection to the refusal, and the review's deadline and outcome. */
  objection?: {
    filedAt: string;
    filedBy: string;
    reason: string;
    reviewDueAt: string;
    against: 'refusal' | 'termination';
    outcome?: 'upheld' | 'corrected';
  };
  /** S-3.1: verification of the economic situation, when eligibility says it must be verified. */
  verification?: VerificationState;
  /**
   * S-3.2, L-7: accepted first: may be granted and assigned before the documents arrive; documents still missing at
   * the correction deadline terminate the aid.
   */
  acceptedFirst?: AcceptedFirstGround[];
  /** Outcome of the eligibility rules (no facts: those are stored with the case, not in workflow state). */
  eligibility?: { kind: 'no_test' | 'waived' | 'verify'; ruleIds: string[]; anyMatter: boolean };
  decision?: Decision;
  /** S-3.3, L-3, L-4, S-2.9, S-2.10: the assignment of the case to institutions and members. */
  assignment?: AssignmentState;
  /** L-6, L-9, L-12, S-4.3, S-2.9(b): the member's performance of the case, from engagement to the approved file. */
  performance?: PerformanceState;
  /** S-4.4, S-4.5: the case's evaluation (its own workflow) and the subsidy, as last reported by it. */
  evaluation?: { workflowId: string; outcome?: EvaluationOutcome };
  closedReason?: string;
  /** L-4: a notification the agency could not act on, returned to the notifying organ with the reasons. */
  returnedToOrgan?: { ground: ReturnGround; reason: string; returnedBy: string; at: string; fromStage: Stage };
  /** A write met a data error and waits for an operator (needs attention, shown on the stuck-case board). */
  attention?: AttentionState;
}

/** One member's place on a case: the agency's pick (an institution and its proposed member) and its confirmation. */
export interface AssignmentSlot {
  /** Ledger purpose of the pick (unique per case), and its public ledger sequence number. */
  purpose: string;
  ledgerSeq: number;
  institutionId: string;
  institutionName: string;
  /** Whose turn the rotation gave (or whom the agency named). */
  proposedMemberId: string;
  /** S-2.9 rule of the pick, and what happened to the turn. */
  rule: string;
  turn: string;
  pickedAt: string;
  /** S-2.10: the institution confirms the member by then (absent when the agency named the member). */
  confirmDueAt?: string;
  confirmEscalated?: boolean;
  /** The member confirmed on the case, who and when. */
  memberId?: string;
  confirmedBy?: string;
  confirmedAt?: string;
  /** S-2.10 conflict or L-11 replacement: the slot was released. */
  releasedAt?: string;
  releaseReason?: string;
}

export interface AssignmentState {
  /** picking: a pick is running; awaiting_agency: a person must assign (priority, discussion, nobody eligible). */
  status: 'picking' | 'awaiting_agency' | 'awaiting_institution' | 'assigned';
  /** When the duty to assign arose: the grant, or for notification cases the receipt of the notice (S-3.3, L-4). */
  since: string;
  /** S-3.3: the same day (China time); L-3/L-4: the statutory limit. */
  sameDayDueAt: string;
  statutoryDueAt: string;
  sameDayEscalated?: boolean;
  statutoryOverdue?: boolean;
  /** Why a person must act, in Chinese, with the rule. */
  needs?: string;
  /** S-3.3 group cases: members the case needs. */
  membersNeeded: number;
  /** Picks made so far (the next ledger purpose is assignment-<picks + 1>). */
  picks: number;
  slots: AssignmentSlot[];
  /** S-2.10, L-11: members and institutions out of this case, with the reason. */
  excluded: Array<{ memberId?: string; institutionId?: string; reason: string }>;
  completedAt?: string;
  /** Assigned after the same day (S-3.3) or after the statutory limit (L-3). */
  late?: 'same_day' | 'statutory';
}

export const ASSIGNMENT_PRIORITY_RULES = ['S-2.9(a)', 'S-2.9(b)', 'S-2.9(d)', 'S-2.9(e)'] as const;

/** S-2.9, S-2.10: the agency assigns: by rotation, by a priority naming the member, or (f) after a discussion. */
export interface AssignCaseInput {
  method: 'rotation' | 'priority' | 'discussion';
  /** priority: which S-2.9 priority applies. */
  rule?: (typeof ASSIGNMENT_PRIORITY_RULES)[number];
  /** priority, discussion: the member the agency names (S-2.10). */
  memberId?: string;
  /** discussion: the record of the collective discussion (S-2.9(f), S-3.3). */
  discussionRecord?: string;
  assignedBy: string;
}

/** S-2.10: the institution (or, where it does not, the agency) confirms the member for a pick. */
export interface ConfirmMemberInput {
  ledgerSeq: number;
  memberId: string;
  confirmedBy: string;
  /** institution: the institution's own confirmation; agency: the agency names the member. */
  by: 'institution' | 'agency';
}

/** S-2.10: a member or the whole institution has a conflict of interest or cannot act for an objective reason. */
export interface ReportConflictInput {
  memberId: string;
  scope: 'member' | 'institution';
  reason: string;
  reportedBy: string;
}

/** L-11: the agency grants the aided person's request to replace the member. */
export interface ReplaceMemberInput {
  memberId: string;
  reason: string;
  decidedBy: string;
}

/** L-4: the agency returns a notification it cannot act on to the notifying organ, with the reasons. */
export interface ReturnToOrganInput {
  ground: ReturnGround;
  reason: string;
  returnedBy: string;
}

export interface ReturnToOrganResult {
  applicationNo: string;
  stage: Stage;
  returnedAt: string;
}

export const returnToOrgan = defineStep<ReturnToOrganResult, ReturnToOrganInput>('returnToOrgan');
export const assignCase = defineStep<AssignmentState, AssignCaseInput>('assignCase');
export const confirmMember = defineStep<AssignmentState, ConfirmMemberInput>('confirmMember');
export const reportConflict = defineStep<AssignmentState, ReportConflictInput>('reportConflict');
export const replaceMember = defineStep<AssignmentState, ReplaceMemberInput>('replaceMember');

export interface ApplicationOutcome {
  applicationNo: string;
  stage: Stage;
  closedReason?: string;
}

export interface SupplyMaterialsInput {
  items: MaterialCode[];
  /** Staff user id (or "applicant") who received the materials. */
  receivedBy: string;
}

export interface SupplyMaterialsResult {
  stage: Stage;
  materialsMissing: MaterialCode[];
}

export interface DecideInput {
  decision: 'grant' | 'refuse';
  /** L-1: a refusal is written and gives reasons. */
  reason?: string;
  decidedBy: string;
  /** Idempotency key of the request; the same key gets the same answer. */
  requestId: string;
}

export interface DecideResult {
  applicationNo: string;
  stage: Stage;
  decidedAt: string;
}

export interface ExtendDeadlineInput {
  /** Calendar days added to the correction deadline. */
  days: number;
  reason: string;
  extendedBy: string;
}

export interface ExtendDeadlineResult {
  correctionDueAt: string;
}

export interface TerminateAidInput {
  ground: L9Ground;
  reason: string;
  terminatedBy: string;
}

export interface VerificationTask {
  id: string;
  route: VerificationRoute;
  requestedBy: string;
  requestedAt: string;
  dueAt: string;
  /** The days it was given (counted again when the calendar changes). */
  dueDays?: number;
  /**
   * S-3.1, S-2.1 field_check only: the village service point commissioned with it (the applicant's village), whose
   * people see and report it; absent: the service point(s) of the agent or advisor who filed the case.
   */
  servicePointId?: string;
  result?: 'confirmed' | 'refuted' | 'inconclusive';
  /** credit_lookup only: the service's rating. */
  rating?: 'good' | 'bad' | 'none';
  note?: string;
  resultBy?: string;
}

/** S-3.1: how the applicant's statement of economic hardship was settled. */
export interface VerificationState {
  status: 'pending' | 'accepted' | 'verified' | 'refuted';
  /** accepted: 'no_doubt' (S-3.1 item 1) or 'inference' (item 3, with a written reason). */
  basis?: 'no_doubt' | 'inference' | 'verification';
  reason?: string;
  tasks: VerificationTask[];
}

export interface RequestVerificationInput {
  route: VerificationRoute;
  /** Days the task has (calendar days, counted like every period). */
  dueDays: number;
  /** field_check only: the agency's service point commissioned with it (checked by the API). */
  servicePointId?: string;
  requestedBy: string;
}

export interface RecordVerificationInput {
  taskId: string;
  result: 'confirmed' | 'refuted' | 'inconclusive';
  note: string;
  resultBy: string;
}

export interface SettleVerificationInput {
  basis: 'no_doubt' | 'inference';
  reason?: string;
  settledBy: string;
}

export const requestVerification = defineStep<VerificationState, RequestVerificationInput>('requestVerification');
export const recordVerificationResult = defineStep<VerificationState, RecordVerificationInput>(
  'recordVerificationResult',
);
export const settleVerification = defineStep<VerificationState, SettleVerificationInput>('settleVerification');

export interface FileObjectionInput {
  reason: string;
  filedBy: string;
}

export interface DecideObjectionInput {
  outcome: 'upheld' | 'corrected';
  reason: string;
  decidedBy: string;
}

export interface ObjectionResult {
  stage: Stage;
  reviewDueAt?: string;
}

export const getState = defineQuery<ApplicationState>('getState');
/**
 * Civil Code art. 203: the holiday calendar changed (an administrator entered a year's arrangement): the case fetches
 * the calendar again and moves the deadlines that have not yet passed. Carries nothing; sent once per change to every
 * open case, and a repeated one finds nothing more to move.
 */
export const calendarChanged = defineSignal<[]>('calendarChanged');
/** L-9: a signal, as the issue asks; the API checks the stage first and answers 422 when it cannot apply. */
export const terminateAid = defineSignal<[TerminateAidInput]>('terminateAid');
export const fileObjection = defineStep<ObjectionResult, FileObjectionInput>('fileObjection');
export const decideObjection = defineStep<ObjectionResult, DecideObjectionInput>('decideObjection');
export const extendCorrectionDeadline = defineStep<ExtendDeadlineResult, ExtendDeadlineInput>(
  'extendCorrectionDeadline',
);
export const supplyMaterials = defineStep<SupplyMaterialsResult, SupplyMaterialsInput>('supplyMaterials');
export const decide = defineStep<DecideResult, DecideInput>('decide');

/** `ApplicationFailure.type` values the API maps to HTTP answers. */
export const ERROR_TYPES = {
  invalidTransition: 'InvalidTransition',
  invalidInput: 'InvalidInput',
  /** S-2.9, S-2.10: nobody (or not the named member) can be assigned; the message says why. */
  unassignable: 'Unassignable',
  /** S-4.5: no base labour fee is configured for the case (activities/payout.ts). */
  feeScheduleMissing: 'FeeScheduleMissing',
  /**
   * A write that no retry can cure (PostgreSQL SQLSTATE class 22 data exception or 23 integrity violation, other than
   * the idempotency conflicts the activities expect): non-retryable; the case goes to "needs attention".
   */
  dataError: 'DataError',
} as const;

/** Details of a `DataError` activity failure: which activity and which SQLSTATE, never the data itself. */
export interface DataErrorDetails {
  activity: string;
  sqlstate: string;
}

/**
 * A case that needs attention (需技术支持处理): one of its writes met a data error. The case keeps running in Temporal;
 * its stored record waits at that write until an operator resolves it.
 */
export interface AttentionState {
  since: string;
  activity: string;
  sqlstate: string;
}

/** How an operator resolves a case that needs attention: retry the write as it is, or with control characters removed. */
export interface ResolveAttentionInput {
  action: 'retry' | 'sanitize';
  resolvedBy: string;
  note?: string;
}

/** Sent by the API (operations) to any case workflow (application, evaluation, hotline call) that needs attention. */
export const resolveAttention = defineSignal<[ResolveAttentionInput]>('resolveAttention');

export { CASE_STAGES, type CaseStage } from './stages';

export interface PerformanceState {
  /** The member (lead member of a group case) and their institution. */
  memberId: string;
  institutionId: string;
  /** China date the case was assigned: the fee schedule in force then applies (S-4.5). */
  assignedOn: string;
  /** The instant it was assigned: L-6's period runs from it. */
  assignedAt?: string;
  /** Which assignment this performance follows (the picks made by then): notices are keyed by it, once each. */
  round?: number;
  caseStage: CaseStage;
  /** L-6: engagement agreement and power of attorney within 5 days of assignment. */
  engagementDueAt: string;
  engagement?: { signedOn: string; recordedBy: string; recordedAt: string; late: boolean };
  /** L-6: the aided person (or another objective cause) delayed the signing; the reason is recorded. */
  engagementDelay?: { cause: 'aided_person' | 'objective'; reason: string; recordedBy: string; recordedAt: string };
  engagementReminded?: boolean;
  engagementEscalated?: boolean;
  /** S-2.9(b): the matter moved to a later stage; the same member continues, turn deducted. */
  stageChanges: Array<{ from: CaseStage; to: CaseStage; at: string; by: string; ledgerSeq: number }>;
  progressReports: number;
  lastProgressAt?: string;
  /** L-9: grounds for termination the member reported to the agency. */
  terminationReports: Array<{ ground: L9Ground; at: string; by: string }>;
  /** L-12: the matter ended; the closure report is due within the configured days. */
  matterEndedOn?: string;
  closureDueAt?: string;
  closureReminders: string[];
  closureOverdue?: boolean;
  /** L-12: the file submitted (legal documents and the handling report, stored with the case's history). */
  caseFile?: { submittedAt: string; submittedBy: string; documents: string[]; round: number };
  /** S-4.3: the institution's quality manager approves the file before it goes to the agency, or sends it back. */
  qaReviews: Array<{ round: number; approved: boolean; by: string; at: string; comments: string }>;
  approvedAt?: string;
}

export interface RecordEngagementInput {
  /** China date the agreement and power of attorney were signed. */
  signedOn: string;
  recordedBy: string;
}
export interface EngagementDelayInput {
  cause: 'aided_person' | 'objective';
  reason: string;
  recordedBy: string;
}
export interface ProgressReportInput {
  note: string;
  reportedBy: string;
}
export interface CaseStageChangeInput {
  to: CaseStage;
  note: string;
  changedBy: string;
}
export interface TerminationGroundReportInput {
  ground: L9Ground;
  facts: string;
  reportedBy: string;
}
export interface MatterEndedInput {
  /** China date the matter ended (judgment served, mediation concluded, ...). */
  endedOn: string;
  reportedBy: string;
}
export interface SubmitCaseFileInput {
  /** Copies of the legal documents (文书名称), e.g. 判决书, 调解书. */
  documents: string[];
  /** The handling report (办案小结). */
  report: string;
  /** Given here when the end of the matter was not reported before. */
  matterEndedOn?: string;
  submittedBy: string;
}
export interface ReviewCaseFileInput {
  approved: boolean;
  comments: string;
  reviewedBy: string;
}

export const recordEngagement = defineStep<PerformanceState, RecordEngagementInput>('recordEngagement');
export const recordEngagementDelay = defineStep<PerformanceState, EngagementDelayInput>('recordEngagementDelay');
export const reportProgress = defineStep<PerformanceState, ProgressReportInput>('reportProgress');
export const changeCaseStage = defineStep<PerformanceState, CaseStageChangeInput>('changeCaseStage');
export const reportTerminationGround = defineStep<PerformanceState, TerminationGroundReportInput>(
  'reportTerminationGround',
);
export const reportMatterEnded = defineStep<PerformanceState, MatterEndedInput>('reportMatterEnded');
export const submitCaseFile = defineStep<PerformanceState, SubmitCaseFileInput>('submitCaseFile');
export const reviewCaseFile = defineStep<PerformanceState, ReviewCaseFileInput>('reviewCaseFile');

/** S-4.4: the evaluation workflow of a case (its own durable process). */
export function evaluationWorkflowId(applicationNo: string): string {
  return `evaluation-${applicationNo}`;
}

export type EvaluatorKind = 'expert' | 'peer' | 'staff';
export type SheetKind = 'criminal' | 'civil_administrative';

export interface EvaluationInput {
  applicationNo: string;
  agencyCode: AgencyCode;
  memberId: string;
  institutionId: string;
  matterType: 'criminal' | 'civil' | 'administrative';
  caseStage: CaseStage;
  assignedOn: string;
  rules: RuleConfig;
  /** S-4.5: the aid was terminated after the member was assigned: paid by the fee rule for terminated cases. */
  terminated?: boolean;
  /** S-3.3 a group case's other members (the lead is `memberId`): each is paid an equal part of the case's fee. */
  otherMembers?: Array<{ memberId: string; institutionId: string }>;
}

export interface ScoreRecord {
  score: number;
  tier: string;
  by: string;
  at: string;
  /** scoring (the evaluator), expert_review, objection (city centre), spot_check (city centre). */
  step: 'scoring' | 'expert_review' | 'objection' | 'spot_check';
  sheetId?: string;
  points?: Record<string, number>;
  comments?: string;
}

/** Live state of an evaluation (`getEvaluation` query). */
export interface EvaluationState {
  applicationNo: string;
  agencyCode: AgencyCode;
  memberId: string;
  institutionId: string;
  status:
    | 'waiting_evaluator'
    | 'scoring'
    | 'expert_review'
    | 'objection_window'
    | 'objection_review'
    | 'spot_check'
    | 'final'
    | 'special';
  statusSince: string;
  /** Due time of the current step, and whether its reminder / escalation went out. */
  dueAt?: string;
  /** The holiday calendar (domain/calendar.ts) its deadlines were last counted with. */
  calendarVersion?: string;
  /** Civil Code art. 203: the running deadlines whose last day moved off a rest day, by key, with why. */
  deadlineMoves?: Record<string, MovedLastDay>;
  reminded?: boolean;
  escalated?: boolean;
  seq: number;
  evaluator?: { id: string; kind: EvaluatorKind; assignedBy: string; at: string };
  sheetKind: SheetKind;
  scores: ScoreRecord[];
  /** The score in force, its tier and coefficient; bumped version on every change (S-4.5 payout, S-2.8(a)). */
  current?: { score: number; tier: string; coefficient: number; version: number };
  special?: { reason: string; by: string; at: string };
  objection?: { reason: string; by: string; at: string; outcome?: 'upheld' | 'changed' };
  spotChecked?: boolean;
  /** S-4.6: interview (约谈) of the member and the institution's head for scores of 65 and below. */
  interview?: {
    version: number;
    /** When it was scheduled: S-4.6's period runs from it. */
    scheduledAt?: string;
    dueAt: string;
    heldOn?: string;
    notes?: string;
    cancelled?: boolean;
    escalated?: boolean;
  };
  /** S-2.8(a): the member removed for this case's score, and whether it was reversed after a changed score. */
  removal?: { version: number; removed: boolean; reversed?: boolean };
  /** S-3.3, S-2.8(a): the same for a group case's other members, by member id. */
  memberRemovals?: Record<string, { version: number; removed: boolean; reversed?: boolean }>;
  /** S-4.5 payout lines written, per version: amount of the line and the case's total after it. */
  payouts: Array<{ version: number; amountCents: number; totalCents: number }>;
  payoutPending?: string;
  finalizedAt?: string;
  /** A write met a data error and waits for an operator. */
  attention?: AttentionState;
}

export interface EvaluationOutcome {
  special: boolean;
  score?: number;
  tier?: string;
  coefficient?: number;
  totalCents: number;
}

export interface AssignEvaluatorInput {
  evaluatorId: string;
  kind: EvaluatorKind;
  assignedBy: string;
}
export interface MarkSpecialInput {
  reason: string;
  markedBy: string;
}
export interface SubmitScoreInput {
  points: Record<string, number>;
  comments: string;
  scoredBy: string;
}
export interface ReviewScoreInput {
  /** The reviewed score (the expert's, the city centre's): unchanged or changed. */
  score: number;
  comments: string;
  reviewedBy: string;
}
export interface EvaluationObjectionInput {
  reason: string;
  filedBy: string;
}
export interface RecordInterviewInput {
  heldOn: string;
  notes: string;
  recordedBy: string;
}

export const getEvaluation = defineQuery<EvaluationState>('getEvaluation');
export const assignEvaluator = defineStep<EvaluationState, AssignEvaluatorInput>('assignEvaluator');
export const markSpecial = defineStep<EvaluationState, MarkSpecialInput>('markSpecial');
export const submitScore = defineStep<EvaluationState, SubmitScoreInput>('submitScore');
export const expertReview = defineStep<EvaluationState, ReviewScoreInput>('expertReview');
export const objectToScore = defineStep<EvaluationState, EvaluationObjectionInput>('objectToScore');
export const decideScoreObjection = defineStep<EvaluationState, ReviewScoreInput>('decideScoreObjection');
export const spotCheck = defineStep<EvaluationState, ReviewScoreInput>('spotCheck');
export const recordInterview = defineStep<EvaluationState, RecordInterviewInput>('recordInterview');

/** S-2.4: every hotline call or online inquiry is a workflow: `hotline-call-<callId>` (ids only, no caller data). */
export function hotlineCallWorkflowId(callId: string): string {
  return `hotline-call-${callId}`;
}

/**
 * The case a workflow id names (the inverse of `applicationWorkflowId`, `evaluationWorkflowId`,
 * `hotlineCallWorkflowId` and `complaintWorkflowId`), or null for a workflow of no case (pool timers, the read model's jobs).
 */
export function caseOfWorkflowId(
  workflowId: string,
): { applicationNo: string } | { callId: string } | { complaintId: string } | null {
  for (const idOf of [applicationWorkflowId, evaluationWorkflowId]) {
    const prefix = idOf('');
    if (workflowId.startsWith(prefix) && workflowId.length > prefix.length) {
      return { applicationNo: workflowId.slice(prefix.length) };
    }
  }
  // L-13: `complaint-TS-…` (complaint ids never look like application numbers).
  const complaint = complaintWorkflowId('');
  if (workflowId.startsWith(complaint) && workflowId.length > complaint.length) {
    return { complaintId: workflowId.slice(complaint.length) };
  }
  const call = hotlineCallWorkflowId('');
  return workflowId.startsWith(call) && workflowId.length > call.length
    ? { callId: workflowId.slice(call.length) }
    : null;
}

export interface HotlineCallInput {
  callId: string;
  agencyCode: AgencyCode;
  channel: 'phone' | 'online';
  receivedAt: string;
  rules?: Partial<HotlineRules>;
  /** A duty officer who entered the call by hand (not the telephony system): they may not take it themselves. */
  enteredBy?: string;
}

export interface HotlineCallState {
  callId: string;
  agencyCode: AgencyCode;
  channel: 'phone' | 'online';
  receivedAt: string;
  dueAt: string;
  status: 'waiting' | 'claimed' | 'answered' | 'closed';
  seq: number;
  claim?: { officerId: string; at: string; expiresAt: string };
  /** Claims that lapsed (grab-order: back to the pool). */
  lapsedClaims: Array<{ officerId: string; at: string }>;
  answer?: { officerId: string; at: string; late: boolean };
  /** S-2.4: not answered by the deadline; escalated to the duty supervisor. */
  breach?: { at: string };
  /** S-2.7: the recorded outcome. */
  outcome?: {
    kind: CallOutcome;
    note: string;
    referredTo?: string;
    applicationNo?: string;
    complaintId?: string;
    at: string;
  };
  /** S-2.5: the answering officer's running count after this call, and whether it completed a duty day. */
  credit?: { ordinal: number; dutyDay: boolean };
  /** A write met a data error and waits for an operator. */
  attention?: AttentionState;
}

export interface ClaimCallInput {
  officerId: string;
}
export interface AnswerCallInput {
  officerId: string;
}
export interface CallOutcomeInput {
  officerId: string;
  kind: CallOutcome;
  note: string;
  referredTo?: string;
  applicationNo?: string;
  /** L-13: the complaint filed for the caller. */
  complaintId?: string;
}

export const getCall = defineQuery<HotlineCallState>('getCall');
export const claimCall = defineStep<HotlineCallState, ClaimCallInput>('claimCall');
export const answerCall = defineStep<HotlineCallState, AnswerCallInput>('answerCall');
export const recordCallOutcome = defineStep<HotlineCallState, CallOutcomeInput>('recordCallOutcome');

/** L-13: every complaint is a workflow: `complaint-<complaintId>` (ids only, no complainant data). */
export function complaintWorkflowId(complaintId: string): string {
  return `complaint-${complaintId}`;
}

export interface ComplaintRespondent {
  kind: RespondentKind;
  id: string;
  institutionId?: string;
  agencyCode: string;
}

export interface ComplaintInput {
  complaintId: string;
  agencyCode: AgencyCode;
  receivedAt: string;
  anonymous: boolean;
  respondent: ComplaintRespondent;
  ground: ComplaintGround;
  applicationNo?: string;
  rules?: Partial<ComplaintRules>;
}

/** Live state of a complaint (`getComplaint` query). Ids and codes only: the facts stay in the `complaint` row. */
export interface ComplaintState {
  complaintId: string;
  agencyCode: AgencyCode;
  status: ComplaintStatus;
  statusSince: string;
  seq: number;
  anonymous: boolean;
  respondent: ComplaintRespondent;
  ground: ComplaintGround;
  applicationNo?: string;
  receivedAt: string;
  /** L-13: accept or refuse within 5 working days. */
  acceptDueAt: string;
  acceptance?: { accepted: boolean; reason: string; by: string; at: string; late: boolean };
  /** L-13: handled within 60 days of acceptance; `extension`: once, at most 30 days, approver and reason recorded. */
  dueAt?: string;
  extension?: { days: number; reason: string; approvedBy: string; at: string; previousDueAt: string };
  handler?: { id: string; role: string; assignedBy: string; at: string };
  /** The member or institution complained about may answer by `dueAt`. */
  response?: { dueAt: string; answeredAt?: string; by?: string; summary?: string };
  investigation: Array<{ kind: InvestigationKind; summary: string; by: string; at: string }>;
  decision?: {
    outcome: ComplaintOutcome;
    measures: ComplaintMeasure[];
    reason: string;
    impactUntil?: string;
    by: string;
    at: string;
    late: boolean;
  };
  /** S-2.8(b): the suspension applied through the pool's own action (its status event), or why the pool refused it. */
  suspension?: { eventId: string | null; until: string; refusal: string | null };
  /** L-13: the result told within 5 working days of the decision. */
  notifyDueAt?: string;
  notified?: { by: string; at: string; late: boolean };
  withdrawal?: { reason: string; by: string; at: string };
  /** Deadlines that passed (their keys): each escalated to the justice bureau once. */
  escalations: string[];
  /** The holiday calendar its deadlines were counted with. */
  calendarVersion?: string;
  attention?: AttentionState;
}

export interface AcceptComplaintInput {
  accepted: boolean;
  /** Required for a refusal (the complainant is told the reasons). */
  reason: string;
  by: string;
}
export interface AssignComplaintHandlerInput {
  handlerId: string;
  /** The handler's role and institution (the API reads them from the handler's account). */
  handlerRole: string;
  handlerAgency?: string;
  handlerInstitution?: string;
  assignedBy: string;
}
export interface RecordInvestigationInput {
  kind: InvestigationKind;
  summary: string;
  by: string;
}
export interface AnswerComplaintInput {
  summary: string;
  by: string;
}
export interface ExtendComplaintInput {
  days: number;
  reason: string;
  approvedBy: string;
}
export interface DecideComplaintInput {
  outcome: ComplaintOutcome;
  measures: ComplaintMeasure[];
  reason: string;
  impactUntil?: string;
  by: string;
}
export interface NotifyComplaintInput {
  by: string;
}
export interface WithdrawComplaintInput {
  reason: string;
  by: string;
}

export const getComplaint = defineQuery<ComplaintState>('getComplaint');
export const acceptComplaint = defineStep<ComplaintState, AcceptComplaintInput>('acceptComplaint');
export const assignComplaintHandler = defineStep<ComplaintState, AssignComplaintHandlerInput>('assignComplaintHandler');
export const recordComplaintInvestigation = defineStep<ComplaintState, RecordInvestigationInput>(
  'recordComplaintInvestigation',
);
export const answerComplaint = defineStep<ComplaintState, AnswerComplaintInput>('answerComplaint');
export const extendComplaint = defineStep<ComplaintState, ExtendComplaintInput>('extendComplaint');
export const decideComplaint = defineStep<ComplaintState, DecideComplaintInput>('decideComplaint');
export const notifyComplaintResult = defineStep<ComplaintState, NotifyComplaintInput>('notifyComplaintResult');
export const withdrawComplaint = defineStep<ComplaintState, WithdrawComplaintInput>('withdrawComplaint');
