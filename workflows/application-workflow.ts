import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { correctionDeadline, endOfDayPeriod, extendDeadline, lastDayBefore } from '../domain/deadlines';
import {
  decide,
  ERROR_TYPES,
  extendCorrectionDeadline,
  getState,
  supplyMaterials,
  terminateAid,
  L9_GROUNDS,
  type ApplicationInput,
  type ApplicationOutcome,
  type ApplicationState,
  type DecideInput,
  type ExtendDeadlineInput,
  type SupplyMaterialsInput,
} from '../domain/definitions';
import {
  correctionExtendedText,
  correctionNoticeText,
  correctionTerminatedText,
  MATERIALS,
  missingMaterials,
} from '../domain/materials';
import { withDefaults } from '../domain/rule-config';
import { birthDateFromIdNumber, decideEligibility } from '../domain/eligibility';
import { cstDateOf } from '../domain/time';
import { acceptedFirstGrounds, intakeChecks } from '../domain/intake';
import { STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../domain/search-attributes';
import { canTransition, isDecidedOrClosed, STAGES, type Stage } from '../domain/stages';
import { terminable } from '../domain/termination';
import { assignmentPhase, registerAssignmentHandlers, type AssignmentContext } from './assignment';
import { awaitCorrection } from './correction';
import { evaluationPhase, performancePhase, registerPerformanceHandlers } from './performance';
import { objectable, objectionPhase, registerObjectionHandlers, type ObjectionContext } from './objection';
import { grantBlockedByVerification, registerVerificationHandlers } from './verification';

// Unlimited attempts: a database outage must delay a case, never lose it.
const records = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

interface EventMeta {
  actor: string;
  ruleIds: string[];
  note?: string;
}

const TERMINATED_FOR_MISSING_MATERIALS = '逾期未补齐材料，视为撤回申请，法律援助终止（S-3.2，L-2）';
const TERMINATED_ACCEPTED_FIRST = '先行受理后逾期未补齐材料，按申请人承诺终止法律援助（S-3.2，L-7）';

/** One application (法律援助申请) from intake to decision. Later stages extend this function; never rename it. */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const receivedAt = new Date(input.receivedAt);
  const rules = withDefaults(input.rules);
  // Versioning (README, "Changing a workflow"): cases started before the reminder ladder keep their single timer.
  const withReminders = patched('correction-reminder-ladder');
  // Cases started before objections (L-10) existed end at their refusal.
  const withObjection = patched('objection-after-refusal');
  // Cases started before this end at their grant; newer ones stay open for what follows and for L-9 termination.
  const openAfterGrant = patched('open-after-grant');
  // Cases granted before the assignment stage existed wait at `granted` (terminable, L-9) as they did.
  const withAssignment = patched('assignment-stage');
  // Cases from before performance and evaluation existed stay in the assignment stage once assigned.
  const withPerformance = withAssignment && patched('performance-evaluation');
  const state: ApplicationState = {
    applicationNo: input.applicationNo,
    agencyCode: input.agencyCode,
    channel: input.channel,
    stage: 'received',
    stageEnteredAt: input.receivedAt,
    seq: 1,
    materialsSupplied: [...new Set(input.materialsSupplied)],
    materialsMissing: missingMaterials(input.materialsSupplied),
  };

  // S-1.x, L-4, L-8: eligibility decided by the pure rules; the full record (with its facts) is stored with the case.
  const eligibility = decideEligibility(
    {
      ...input.eligibilityClaims,
      applicationDate: cstDateOf(receivedAt),
      birthDate: birthDateFromIdNumber(input.applicant.idNumber),
      notification: input.channel === 'notification',
      matterCategory: input.matter.category,
      documentsSeen: input.eligibilityClaims?.documentsSeen ?? [],
      householdSize: input.economicSituation.householdSize,
      monthlyHouseholdIncome: input.economicSituation.monthlyHouseholdIncome,
    },
    rules.hardshipStandard,
  );
  // S-3.1: a statement to be verified opens the verification.
  if (eligibility.outcome.kind === 'verify') state.verification = { status: 'pending', tasks: [] };
  state.eligibility = {
    kind: eligibility.outcome.kind,
    ruleIds: eligibility.outcome.ruleIds,
    anyMatter: eligibility.anyMatter,
  };

  // L-14 and other checks that come with the channel's details; S-3.2 / L-7 grounds to accept first.
  const checks = intakeChecks(input.intake, receivedAt);
  const acceptedFirst = acceptedFirstGrounds({
    applicationDate: cstDateOf(receivedAt),
    matterCategory: input.matter.category,
    migrantWorker: input.eligibilityClaims?.migrantWorker,
    details: input.intake,
  });
  if (acceptedFirst.length > 0) state.acceptedFirst = acceptedFirst;

  // Events are written strictly in order, one after another, so the stored history matches the workflow's.
  let persisted: Promise<void> = records.recordApplication({ input, state: { ...state }, eligibility, checks });

  function record(meta: EventMeta): Promise<void> {
    const at = new Date().toISOString();
    const event = { applicationNo: state.applicationNo, seq: state.seq, stage: state.stage, at, ...meta };
    const snapshot = { ...state, materialsSupplied: [...state.materialsSupplied] };
    persisted = persisted.then(() => records.recordEvent({ event, state: snapshot }));
    return persisted;
  }

  // Notices are queued once the application is recorded, each at most once per obligation (outbox uniqueness), and
  // delivered on their own chain so a slow SMS gateway never holds up the stage history.
  const notices: Promise<void>[] = [];
  function notify(key: string, template: string, body: string, recipient?: string): Promise<void> {
    const sent = persisted
      .then(() =>
        records.queueNotice({
          applicationNo: state.applicationNo,
          obligationKey: key,
          template,
          body,
          ...(recipient ? { recipient } : {}),
        }),
      )
      .then((ids) => Promise.all(ids.map((id) => records.deliverNotice({ id }))))
      .then(() => undefined);
    notices.push(sent);
    return sent;
  }

  // L-1: the review clock runs from receipt; by policy it pauses while missing materials are awaited.
  state.reviewDueAt = endOfDayPeriod(receivedAt, rules.reviewDays).toISOString();
  function reviewClock(to: Stage): string | undefined {
    if (to === 'awaiting_materials' && rules.reviewPausesForMaterials && state.reviewDueAt) {
      state.reviewRemainingMs = Math.max(0, new Date(state.reviewDueAt).getTime() - Date.now());
      state.reviewDueAt = undefined;
      return '审查期限暂停（等待补正材料，L-1）';
    }
    if (to === 'under_review' && state.reviewRemainingMs !== undefined) {
      state.reviewDueAt = new Date(Date.now() + state.reviewRemainingMs).toISOString();
      state.reviewRemainingMs = undefined;
      return `审查期限恢复计算，至 ${state.reviewDueAt}（L-1）`;
    }
    return undefined;
  }

  function transition(to: Stage, meta: EventMeta): Promise<void> {
    assertTransition(state.stage, to);
    const clock = reviewClock(to);
    if (clock) meta = { ...meta, note: meta.note ? `${meta.note}\n${clock}` : clock };
    state.stage = to;
    state.stageEnteredAt = new Date().toISOString();
    state.seq += 1;
    upsertSearchAttributes([
      { key: STAGE_ATTR, value: to },
      { key: STAGE_ENTERED_AT_ATTR, value: new Date(state.stageEnteredAt) },
    ]);
    return record(meta);
  }

  // The first stage is entered before any handler exists: an update buffered with the start is delivered the moment
  // its handler is registered, and its validator must already see the stage it is meant for.
  let dueAt: Date | undefined;
  if (state.materialsMissing.length > 0) {
    // S-3.2, L-2: accepted with documents missing; one notice lists all of them with the deadline.
    dueAt = correctionDeadline(receivedAt, input.rules.correctionDays);
    state.correctionDueAt = dueAt.toISOString();
    const commitment = input.intake?.correctionCommitment
      ? '\n申请人已承诺：逾期未补齐材料的，视为撤回申请或终止法律援助。'
      : '';
    const note =
      correctionNoticeText({ applicationNo: state.applicationNo, missing: state.materialsMissing, dueAt }) + commitment;
    void transition('awaiting_materials', { actor: 'system', ruleIds: ['S-3.2', 'L-2'], note });
    if (withReminders) void notify('correction-notice', 'correction_notice', note);
  } else {
    void transition('under_review', { actor: 'system', ruleIds: ['L-1'] });
  }

  setHandler(getState, () => state);

  setHandler(
    supplyMaterials,
    async ({ items, receivedBy }) => {
      const fresh = items.filter((code) => !state.materialsSupplied.includes(code));
      if (fresh.length > 0) {
        state.materialsSupplied.push(...fresh);
        state.materialsMissing = missingMaterials(state.materialsSupplied);
        const note = `已补交：${fresh.map((code) => MATERIALS[code]).join('、')}`;
        if (state.materialsMissing.length === 0) {
          state.correctionDueAt = undefined;
          await transition('under_review', { actor: receivedBy, ruleIds: ['S-3.2', 'L-2', 'L-1'], note });
        } else {
          state.seq += 1;
          await record({ actor: receivedBy, ruleIds: ['S-3.2', 'L-2'], note });
        }
      }
      return { stage: state.stage, materialsMissing: state.materialsMissing };
    },
    {
      validator: ({ items }: SupplyMaterialsInput) => {
        if (items.length === 0) {
          throw ApplicationFailure.create({ type: ERROR_TYPES.invalidInput, message: '至少补交一项材料' });
        }
        if (state.stage !== 'awaiting_materials') {
          throw ApplicationFailure.create({
            type: ERROR_TYPES.invalidTransition,
            message: `申请当前处于「${STAGES[state.stage]}」阶段，不在补正材料期间`,
          });
        }
      },
    },
  );

  setHandler(
    extendCorrectionDeadline,
    async ({ days, reason, extendedBy }) => {
      const dueAt = extendDeadline(new Date(state.correctionDueAt!), days);
      state.correctionDueAt = dueAt.toISOString();
      state.correctionExtended = true;
      state.seq += 1;
      const note = `补正期限延长 ${days} 日，至 ${lastDayBefore(dueAt)}（含当日）。原因：${reason}`;
      await record({ actor: extendedBy, ruleIds: ['S-3.2'], note });
      void notify(
        `correction-extended`,
        'correction_extended',
        correctionExtendedText({ applicationNo: state.applicationNo, dueAt, reason }),
      );
      return { correctionDueAt: state.correctionDueAt };
    },
    {
      validator: ({ days, reason }: ExtendDeadlineInput) => {
        const refuse = (message: string, type: string = ERROR_TYPES.invalidTransition) => {
          throw ApplicationFailure.create({ type, message });
        };
        if (state.stage !== 'awaiting_materials')
          refuse(`申请当前处于「${STAGES[state.stage]}」阶段，不在补正材料期间`);
        if (!withReminders) refuse('该申请受理于旧版本流程，补正期限不能延长');
        if (state.correctionExtended) refuse('补正期限只能延长一次（S-3.2）');
        if (!Number.isInteger(days) || days < 1 || days > rules.maxExtensionDays) {
          refuse(`延长天数应为 1 至 ${rules.maxExtensionDays} 日`, ERROR_TYPES.invalidInput);
        }
        if (!reason.trim()) refuse('延长补正期限须说明理由', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    decide,
    async ({ decision, reason, decidedBy, requestId }) => {
      const decidedAt = new Date().toISOString();
      const late = state.reviewDueAt !== undefined && Date.now() > new Date(state.reviewDueAt).getTime();
      state.decision = { decision, reason, decidedBy, decidedAt, requestId, late };
      // L-1: the decision closes the review; a refusal carries its written reasons.
      const decided = decision === 'grant' ? 'granted' : 'refused';
      await transition(decided, {
        actor: decidedBy,
        ruleIds: ['L-1'],
        note: late ? `${reason ?? ''}（超过审查期限作出，L-1）` : reason,
      });
      // The decision's own stage: a granted case has usually moved on to assignment by now (S-3.3).
      return { applicationNo: state.applicationNo, stage: decided, decidedAt };
    },
    {
      validator: ({ decision, reason }: DecideInput) => {
        assertTransition(state.stage, decision === 'grant' ? 'granted' : 'refused');
        const blocked = decision === 'grant' ? grantBlockedByVerification(state) : undefined;
        if (blocked) throw ApplicationFailure.create({ type: ERROR_TYPES.invalidTransition, message: blocked });
        if (decision === 'refuse' && !reason?.trim()) {
          throw ApplicationFailure.create({
            type: ERROR_TYPES.invalidInput,
            message: '不予法律援助须书面说明理由（L-1）',
          });
        }
      },
    },
  );

  const objection: ObjectionContext = {
    state,
    windowDays: rules.objectionWindowDays,
    reviewDays: rules.objectionReviewDays,
    enabled: withObjection,
    transition,
    record: (meta) => {
      state.seq += 1;
      return record(meta);
    },
    notify,
  };
  registerObjectionHandlers(objection);
  setHandler(terminateAid, ({ ground, reason, terminatedBy }) => {
    // The API checks first and answers 422; a late or repeated signal changes nothing.
    if (!terminable(state, openAfterGrant) || !(ground in L9_GROUNDS) || !reason.trim()) return;
    state.termination = { ground, reason, terminatedBy, at: new Date().toISOString(), fromStage: state.stage };
    state.closedReason = `${L9_GROUNDS[ground]}，终止法律援助（L-9）：${reason}`;
    void transition('terminated', { actor: terminatedBy, ruleIds: ['L-9'], note: state.closedReason });
    const text = `【法律援助终止通知】您的法律援助（编号 ${state.applicationNo}）因${L9_GROUNDS[ground]}终止。如有异议，可在 ${rules.objectionWindowDays} 日内提出（L-10）。`;
    void notify(`aid-terminated-${state.seq}`, 'aid_terminated', text);
  });

  const assignment: AssignmentContext = {
    state,
    input,
    rules,
    transition,
    record: (meta) => {
      state.seq += 1;
      return record(meta);
    },
    notify,
  };
  registerAssignmentHandlers(assignment);
  registerPerformanceHandlers(assignment);

  registerVerificationHandlers({
    state,
    record: (meta) => record(meta),
    lookupCredit: (args) => records.lookupCredit(args),
  });

  if (dueAt) {
    let supplied: boolean;
    if (withReminders) {
      supplied = await awaitCorrection({ state, notify, ...rules });
    } else {
      const remaining = dueAt.getTime() - Date.now();
      supplied = remaining > 0 && (await condition(() => state.stage !== 'awaiting_materials', remaining));
    }
    if (!supplied && state.stage === 'awaiting_materials') {
      // L-2: an application not yet decided is treated as withdrawn; S-3.2: aid accepted first is terminated.
      state.closedReason = state.acceptedFirst ? TERMINATED_ACCEPTED_FIRST : TERMINATED_FOR_MISSING_MATERIALS;
      await transition('terminated', {
        actor: 'system',
        ruleIds: state.acceptedFirst ? ['S-3.2', 'L-7'] : ['S-3.2', 'L-2'],
        note: state.closedReason,
      });
      if (withReminders)
        void notify('correction-terminated', 'correction_terminated', correctionTerminatedText(state.applicationNo));
    }
  }

  await condition(() => isDecidedOrClosed(state.stage));
  for (;;) {
    if (withObjection && objectable(state)) {
      // L-10: a refusal or an L-9 termination stays open to objection; corrected, the case goes back.
      if ((await objectionPhase(objection)) === 'closed') break;
    } else if (withPerformance && (state.stage === 'granted' || state.stage === 'assigning')) {
      // S-3.3, L-3, L-4: aid granted (or a notice received): assigned at once (again after S-2.10 / L-11).
      await assignmentPhase(assignment, true);
      continue;
    } else if (withPerformance && ['assigned', 'performing', 'file_review'].includes(state.stage)) {
      // L-6, L-12, S-4.3: engagement, performance, closure report and the quality manager's approval.
      await performancePhase(assignment);
      continue;
    } else if (withPerformance && state.stage === 'evaluating') {
      // S-4.4, S-4.5: the evaluation (a child workflow) and the payout; then the case is closed.
      await evaluationPhase(assignment);
      continue;
    } else if (withPerformance && state.stage === 'closed') {
      break;
    } else if (openAfterGrant && state.stage === 'granted' && withAssignment) {
      // S-3.3, L-3, L-4: aid granted (or a notice received): assigned at once; returns when the case leaves it.
      await assignmentPhase(assignment);
    } else if (openAfterGrant && state.stage === 'granted') {
      // Aid granted (older cases): the case stays open for an L-9 termination.
      await condition(() => state.stage !== 'granted');
    } else {
      break;
    }
    await condition(() => isDecidedOrClosed(state.stage));
  }
  await condition(allHandlersFinished);
  await persisted;
  await Promise.all(notices);
  return { applicationNo: state.applicationNo, stage: state.stage, closedReason: state.closedReason };
}

function assertTransition(from: Stage, to: Stage): void {
  if (!canTransition(from, to)) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidTransition,
      message: `申请当前处于「${STAGES[from]}」阶段，不能转入「${STAGES[to]}」`,
      details: [{ from, to }],
    });
  }
}
