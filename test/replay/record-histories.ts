/**
 * `npm run replay:record`: records the baseline histories of the replay gate (replay.test.ts): one scenario per path
 * of every workflow (applicationWorkflow, its evaluationWorkflow child, hotlineCallWorkflow, complaintWorkflow,
 * poolImpactWorkflow and the two schedule jobs), each written to test/replay/<scenario>.json, and a scenario's further workflows (the
 * evaluation child) to test/replay/<scenario>-<workflow id prefix>.json, e.g. lifecycle-good-evaluation.json.
 *
 * Until the first production deployment, changing a workflow means re-recording the baseline: run
 * `npm run replay:record` (it overwrites the files, and a full run removes histories of scenarios that no longer
 * exist). After the first production deployment, recorded histories are never re-recorded to make a failing replay
 * pass (a failing replay means running cases would break): a change is patch -> record -> deprecate -> remove, see
 * README "Changing a workflow".
 *
 * Needs DATABASE_URL (a server where it may create and drop a scratch database) and the Temporal CLI.
 *   npm run replay:record                      every scenario (the whole baseline)
 *   npm run replay:record -- <scenario> ...    only the named scenarios (scenarios share the scratch database's
 *                                              pool in the order below, so a lone run may pick other members)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createPoolRepository } from '../../repositories/pool';
import {
  answerCall,
  applicationWorkflowId,
  assignCase,
  assignEvaluator,
  changeCaseStage,
  claimCall,
  confirmMember,
  decide,
  decideObjection,
  decideScoreObjection,
  evaluationWorkflowId,
  expertReview,
  extendCorrectionDeadline,
  fileObjection,
  getEvaluation,
  getState,
  hotlineCallWorkflowId,
  complaintWorkflowId,
  acceptComplaint,
  assignComplaintHandler,
  recordComplaintInvestigation,
  answerComplaint,
  extendComplaint,
  decideComplaint,
  notifyComplaintResult,
  markSpecial,
  objectToScore,
  poolImpactWorkflowId,
  recordCallOutcome,
  recordEngagement,
  recordEngagementDelay,
  recordInterview,
  recordVerificationResult,
  replaceMember,
  reportConflict,
  reportMatterEnded,
  reportProgress,
  reportTerminationGround,
  requestVerification,
  returnToOrgan,
  reviewCaseFile,
  settleVerification,
  spotCheck,
  submitCaseFile,
  submitScore,
  supplyMaterials,
  terminateAid,
  type ApplicationInput,
  type ApplicationState,
  type EvaluationInput,
} from '../../domain/definitions';
import { matterTypeOf } from '../../domain/performance';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import { createPrisma, dropDatabase, ensureDatabase } from '../../platform/database';
import { loadEnv } from '../../platform/env';
import { createLogger } from '../../platform/logger';
import { applyMigrations } from '../../platform/migrations';
import { executeStep } from '../../platform/step-client';
import { ensureSearchAttributes, temporalCli, temporalTestServer } from '../../platform/temporal';
import { buildWorkflowBundle } from '../../platform/worker';
import type {
  applicationWorkflow,
  calendarBroadcastWorkflow,
  dailyDigestWorkflow,
  evaluationWorkflow,
  hotlineCallWorkflow,
  complaintWorkflow,
  poolImpactWorkflow,
  reconcileReadModelWorkflow,
} from '../../workflows';

const DAY_MS = 86_400_000;
const ALL_MATERIALS: ApplicationInput['materialsSupplied'] = [
  'identity_proof',
  'economic_statement',
  'matter_evidence',
];
/** No random spot check: the evaluation's path is the scenario's (S-4.4). */
const NO_SPOT_CHECK = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 };

const fixture = (
  applicationNo: string,
  receivedAt: string,
  supplied: ApplicationInput['materialsSupplied'],
): ApplicationInput => ({
  applicationNo,
  agencyCode: 'KQ',
  channel: 'walk_in',
  receivedAt,
  applicant: { name: '回放样例', idNumber: '11010519491231002X' },
  matter: { category: 'labour_remuneration', summary: '回放样例' },
  economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
  materialsSupplied: supplied,
  rules: DEFAULT_RULE_CONFIG,
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closed, or nothing in flight: the last workflow task completed, every activity and child start answered. */
function quiet(types: string[]): boolean {
  const last = types.at(-1)!;
  if (
    last.startsWith('WORKFLOW_EXECUTION_') &&
    !['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_EXECUTION_SIGNALED'].includes(last)
  ) {
    return true;
  }
  const count = (...names: string[]) => types.filter((t) => names.includes(t)).length;
  return (
    types.lastIndexOf('WORKFLOW_TASK_COMPLETED') > types.lastIndexOf('WORKFLOW_TASK_SCHEDULED') &&
    count('ACTIVITY_TASK_SCHEDULED') ===
      count('ACTIVITY_TASK_COMPLETED', 'ACTIVITY_TASK_FAILED', 'ACTIVITY_TASK_TIMED_OUT', 'ACTIVITY_TASK_CANCELED') &&
    count('START_CHILD_WORKFLOW_EXECUTION_INITIATED') ===
      count('CHILD_WORKFLOW_EXECUTION_STARTED', 'START_CHILD_WORKFLOW_EXECUTION_FAILED')
  );
}

async function main() {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const cli = temporalCli(env);
  if (cli.type !== 'existing-path') throw new Error('the Temporal CLI is needed to record histories');
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/legal_aid_record_${Date.now()}`;
  await ensureDatabase(url.toString());
  await applyMigrations(url.toString());
  const prisma = createPrisma(url.toString(), 2);
  const pool = createPoolRepository({ prisma });
  const testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: temporalTestServer(env) } });
  await ensureSearchAttributes(testEnv.connection, 'default', createLogger('warn'));
  const worker = await Worker.create({
    connection: testEnv.nativeConnection,
    taskQueue: 'record',
    workflowBundle: await buildWorkflowBundle(),
    activities: createActivities({ prisma }),
  });
  const nowMs = () => testEnv.currentTimeMs();
  const now = async () => new Date(await nowMs()).toISOString();
  const today = async () => cstDateOf(new Date(await nowMs()));
  type Case = WorkflowHandle<typeof applicationWorkflow>;
  type EvaluationHandle = WorkflowHandle<typeof evaluationWorkflow>;
  const start = async (input: ApplicationInput): Promise<Case> =>
    testEnv.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue: 'record',
      args: [input],
    });
  const stateOf = (handle: Case) => handle.query(getState);
  /** Polls the case (wall time, the server's clock standing still) until `ok` holds. */
  const waitFor = async (handle: Case, ok: (s: ApplicationState) => boolean, what: string) => {
    for (let i = 0; ; i++) {
      const state = await stateOf(handle);
      if (ok(state)) return state;
      if (i > 1200) throw new Error(`${handle.workflowId}: ${what} never happened (stage ${state.stage})`);
      await pause(50);
    }
  };

  /**
   * Runs a workflow to its end on the server's clock, a day at a time (never by awaiting its result: that unlocks
   * time skipping with nothing to wait for, and the test server then jumps years ahead).
   */
  const finish = async (handle: WorkflowHandle) => {
    for (let i = 0; ; i++) {
      if ((await handle.describe()).status.name !== 'RUNNING') return;
      if (i > 120) throw new Error(`${handle.workflowId} never ended`);
      await testEnv.sleep('1 day');
    }
  };

  /**
   * Granted cases stay open (for what follows and for L-9): until the assignment's pick is done. A case that waits
   * only for time (a refusal's or termination's objection window, a correction deadline) runs to its end.
   */
  const settled = async (handle: Case) => {
    for (let i = 0; ; i++) {
      if ((await handle.describe()).status.name !== 'RUNNING') return;
      const state = await stateOf(handle);
      if (['refused', 'terminated', 'awaiting_materials'].includes(state.stage)) return finish(handle);
      const picked = state.assignment !== undefined && state.assignment.status !== 'picking';
      if ((state.stage === 'assigning' || state.stage === 'assigned') && picked) return;
      if (i > 1200) throw new Error(`${handle.workflowId}: the assignment never settled (stage ${state.stage})`);
      await pause(50);
    }
  };
  const grant = async (handle: Case, requestId: string) => {
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId }] });
    await settled(handle);
    return stateOf(handle);
  };
  /** S-2.10: the institution confirms every open pick with the member whose turn it was. */
  const confirmAll = async (handle: Case) => {
    for (const s of (await stateOf(handle)).assignment!.slots.filter((x) => !x.releasedAt && !x.memberId)) {
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: s.ledgerSeq, memberId: s.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
      });
    }
    // Assigned; or performing at once, when the engaged lead member of a group case carries on (L-11, S-2.10).
    const assigned = (s: ApplicationState) => ['assigned', 'performing'].includes(s.stage) && !!s.performance;
    return (await waitFor(handle, assigned, 'the assignment')).performance!.memberId;
  };
  const evaluationOf = async (handle: Case): Promise<EvaluationHandle> => {
    const evaluation = testEnv.client.workflow.getHandle<typeof evaluationWorkflow>(
      evaluationWorkflowId((await stateOf(handle)).applicationNo),
    );
    for (let i = 0; ; i++) {
      const started = await evaluation.query(getEvaluation).then(
        () => true,
        () => false,
      );
      if (started) return evaluation;
      if (i > 1200) throw new Error(`${evaluation.workflowId} never started`);
      await pause(50);
    }
  };

  // S-2.8, S-2.9: a pool for KQ (three institutions, two members each; one duty lawyer for notification cases).
  for (const [i, inst] of ['KQ-A', 'KQ-B', 'KQ-C'].entries()) {
    await prisma.poolInstitution.create({ data: { id: inst, agencyCode: 'KQ', name: `回放样例${i}`, listOrder: i } });
  }
  for (const [id, institutionId, facts] of [
    ['kq-a1', 'KQ-A', {}],
    ['kq-a2', 'KQ-A', {}],
    ['kq-b1', 'KQ-B', {}],
    ['kq-b2', 'KQ-B', {}],
    ['kq-c1', 'KQ-C', {}],
    ['kq-c2', 'KQ-C', { dutyLawyer: true, criminalDefenceYears: 5, juvenileCompetent: true }],
  ] as const) {
    await prisma.poolMember.create({ data: { id, institutionId, ...facts } });
  }

  // S-4.4, S-4.5: a scoring sheet and a city-wide fee schedule for civil matters (administrative ones have none
  // until the payout-retry scenario adds it).
  await prisma.scoringSheet.create({
    data: {
      id: 'replay-civil',
      kind: 'civil_administrative',
      version: 1,
      title: '回放样例',
      items: [{ code: 'all', label: '综合', max: 100, weight: 1 }],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'replay',
    },
  });
  const feeSchedule = (matterType: string) =>
    prisma.feeSchedule.create({
      data: {
        agencyCode: null,
        matterType,
        caseStage: 'any',
        amountCents: 100_000,
        effectiveFrom: new Date('2000-01-01'),
        createdBy: 'replay',
      },
    });
  await feeSchedule('civil');

  /**
   * From the grant to the approved file, then the evaluator: the evaluation then waits for its score (S-4.4). With
   * `ladders`, through L-6 (reminded, then escalated), a stage change (S-2.9(b)), L-12 reminders and a returned file.
   */
  const toEvaluation = async (handle: Case, ladders: boolean) => {
    await grant(handle, 'g');
    const member = await confirmAll(handle);
    if (ladders) await testEnv.sleep('6 days'); // L-6: reminded, then escalated
    await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: member }] });
    if (ladders) {
      await executeStep(handle, changeCaseStage, {
        args: [{ to: 'second_instance', note: '回放样例', changedBy: member }],
      });
      await executeStep(handle, reportMatterEnded, { args: [{ endedOn: await today(), reportedBy: member }] });
      await testEnv.sleep('25 days'); // L-12: reminders
      await executeStep(handle, submitCaseFile, {
        args: [{ documents: ['回放样例'], report: '回放样例', submittedBy: member }],
      });
      await executeStep(handle, reviewCaseFile, {
        args: [{ approved: false, comments: '回放样例', reviewedBy: 'qm' }],
      });
    }
    await executeStep(handle, submitCaseFile, {
      args: [{ documents: ['回放样例'], report: '回放样例', matterEndedOn: await today(), submittedBy: member }],
    });
    await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }] });
    const evaluation = await evaluationOf(handle);
    await executeStep(evaluation, assignEvaluator, {
      args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 's' }],
    });
    return { evaluation, member };
  };
  const score = (evaluation: EvaluationHandle, points: number) =>
    executeStep(evaluation, submitScore, { args: [{ points: { all: points }, comments: '', scoredBy: 'eval-1' }] });
  /** A case evaluated from the start, the scenario's evaluation steps, the case closed: both histories. */
  const evaluated = async (
    input: ApplicationInput,
    steps: (evaluation: EvaluationHandle, member: string) => Promise<unknown>,
    ladders = false,
  ) => {
    const handle = await start(input);
    const { evaluation, member } = await toEvaluation(handle, ladders);
    await steps(evaluation, member);
    await finish(handle);
    return [handle.workflowId, evaluation.workflowId];
  };

  /**
   * The history as the Temporal CLI writes it (the canonical JSON form historyFromJSON and the Web UI read), once the
   * workflow is quiet: closed, or with no workflow task, activity or child start in flight (the clock is locked, so
   * only timers are left). A history then ends at a point its replay reaches.
   */
  const quietHistory = async (workflowId: string) => {
    for (let i = 0; ; i++) {
      const json = execFileSync(
        cli.path,
        ['workflow', 'show', '-w', workflowId, '--address', testEnv.address, '-o', 'json'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const events = (JSON.parse(json) as { events: Array<{ eventType: string }> }).events;
      if (quiet(events.map((e) => e.eventType.replace('EVENT_TYPE_', '')))) return { json, events };
      if (i > 300) throw new Error(`${workflowId} never went quiet`);
      await pause(100);
    }
  };

  const scenarios: Record<string, () => Promise<string[]>> = {
    // hotlineCallWorkflow, S-2.4, S-2.7, S-2.5: a night call claimed and lapsed, breached at 10:00, answered late,
    // its outcome recorded (duty credit).
    'hotline-call': async () => {
      const callId = 'H-00000000000000000001';
      const handle = await testEnv.client.workflow.start<typeof hotlineCallWorkflow>('hotlineCallWorkflow', {
        workflowId: hotlineCallWorkflowId(callId),
        taskQueue: 'record',
        args: [{ callId, agencyCode: 'KQ', channel: 'phone', receivedAt: await now() }],
      });
      await executeStep(handle, claimCall, { args: [{ officerId: 'duty-1' }] });
      await testEnv.sleep('1 day'); // the claim lapses; the deadline passes
      await executeStep(handle, claimCall, { args: [{ officerId: 'duty-2' }] });
      await executeStep(handle, answerCall, { args: [{ officerId: 'duty-2' }] });
      await executeStep(handle, recordCallOutcome, {
        args: [{ officerId: 'duty-2', kind: 'out_of_scope', note: '回放样例', referredTo: '回放样例' }],
      });
      await finish(handle);
      return [handle.workflowId];
    },
    // S-3.2, L-2: deadline passes without materials (reminders on the way): treated as withdrawn.
    'deferred-documents-terminated': async () => {
      const handle = await start(fixture('KQ-1998-000001', await now(), ['identity_proof']));
      await finish(handle);
      return [handle.workflowId];
    },
    // S-3.2, L-7: accepted first (the limitation period ends in 3 days), materials missing; the deadline passes: the
    // aid is terminated under the applicant's commitment, and the case ends (no L-10 objection to it).
    'accepted-first-terminated-at-deadline': async () => {
      const input = fixture('KQ-1998-000012', await now(), ['identity_proof']);
      input.intake = {
        correctionCommitment: true,
        limitationDeadline: cstDateOf(new Date((await nowMs()) + 3 * DAY_MS)),
      };
      const handle = await start(input);
      await finish(handle);
      return [handle.workflowId];
    },
    // L-9 before the decision: a migrant worker's wage claim accepted first (S-3.2) is terminated while under
    // review; no objection within the window: final.
    'accepted-first-terminated-before-decision': async () => {
      const input = fixture('KQ-1998-000013', await now(), ALL_MATERIALS);
      input.eligibilityClaims = { migrantWorker: true };
      const handle = await start(input);
      await waitFor(handle, (s) => s.stage === 'under_review', 'the review');
      await handle.signal(terminateAid, { ground: 'asks_to_end', reason: '回放样例', terminatedBy: 'head-1' });
      await finish(handle);
      return [handle.workflowId];
    },
    // S-3.2 then L-1: materials in two parts, a rejected decision, then a grant.
    'materials-supplied-then-granted': async () => {
      const handle = await start(fixture('KQ-1998-000002', await now(), []));
      await executeStep(handle, supplyMaterials, { args: [{ items: ['identity_proof'], receivedBy: 'staff-1' }] });
      await testEnv.sleep('3 days');
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'a' }] }).catch(
        () => undefined,
      );
      await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'staff-1' }],
      });
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'b' }] });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-3.2: the deadline extended once, then the materials arrive.
    'extended-then-supplied': async () => {
      const handle = await start(fixture('KQ-1998-000004', await now(), ['identity_proof']));
      await executeStep(handle, extendCorrectionDeadline, {
        args: [{ days: 5, reason: '回放样例', extendedBy: 'staff-1' }],
      });
      await testEnv.sleep('16 days');
      await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'staff-1' }],
      });
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'd' }] });
      await settled(handle);
      return [handle.workflowId];
    },
    // L-1: complete file, refused with reasons; no objection within the window: final.
    'complete-then-refused': async () => {
      const handle = await start(fixture('KQ-1998-000003', await now(), ALL_MATERIALS));
      await executeStep(handle, decide, {
        args: [{ decision: 'refuse', reason: '不符合经济困难标准', decidedBy: 'staff-2', requestId: 'c' }],
      });
      await settled(handle);
      return [handle.workflowId];
    },
    // L-10: refused, objection, corrected by the justice bureau (late: escalated), then granted.
    'refused-objection-corrected-granted': async () => {
      const handle = await start(fixture('KQ-1998-000005', await now(), ALL_MATERIALS));
      await executeStep(handle, decide, {
        args: [{ decision: 'refuse', reason: '回放样例', decidedBy: 'head-1', requestId: 'e' }],
      });
      await testEnv.sleep('2 days');
      await executeStep(handle, fileObjection, { args: [{ reason: '回放样例', filedBy: 'app-1' }] });
      await testEnv.sleep('7 days'); // past the 5-day review: escalated
      await executeStep(handle, decideObjection, {
        args: [{ outcome: 'corrected', reason: '回放样例', decidedBy: 'bureau-1' }],
      });
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'f' }] });
      await settled(handle);
      return [handle.workflowId];
    },
    // L-10: refused, objection upheld: the refusal is final and the case ends.
    'refused-objection-upheld': async () => {
      const handle = await start(fixture('KQ-1998-000014', await now(), ALL_MATERIALS));
      await executeStep(handle, decide, {
        args: [{ decision: 'refuse', reason: '回放样例', decidedBy: 'head-1', requestId: 'k' }],
      });
      await testEnv.sleep('1 day');
      await executeStep(handle, fileObjection, { args: [{ reason: '回放样例', filedBy: 'app-1' }] });
      await executeStep(handle, decideObjection, {
        args: [{ outcome: 'upheld', reason: '回放样例', decidedBy: 'bureau-1' }],
      });
      await finish(handle);
      return [handle.workflowId];
    },
    // S-3.1: verification by a field check, then granted.
    'verified-then-granted': async () => {
      const input = fixture('KQ-1998-000006', await now(), ALL_MATERIALS);
      input.applicant = { name: '回放样例', idNumber: '330602198601011230' }; // aged 40: to be verified (S-1.3)
      const handle = await start(input);
      const v = await executeStep(handle, requestVerification, {
        args: [{ route: 'field_check', dueDays: 5, requestedBy: 's' }],
      });
      await executeStep(handle, recordVerificationResult, {
        args: [{ taskId: v.tasks[0]!.id, result: 'confirmed', note: '回放样例', resultBy: 'agent-1' }],
      });
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'v' }] });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-3.1 items 1 and 3: a credit lookup (no credit service here: unavailable), a letter without an exact
    // answer, the statement accepted by inference with a written reason, then granted.
    'verification-inferred-granted': async () => {
      const input = fixture('KQ-1998-000015', await now(), ALL_MATERIALS);
      input.applicant = { name: '回放样例', idNumber: '330602198601011230' };
      const handle = await start(input);
      await executeStep(handle, requestVerification, {
        args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 's' }],
      });
      const v = await executeStep(handle, requestVerification, {
        args: [{ route: 'letter', dueDays: 10, requestedBy: 's' }],
      });
      await executeStep(handle, recordVerificationResult, {
        args: [{ taskId: v.tasks.at(-1)!.id, result: 'inconclusive', note: '回放样例', resultBy: 'agent-1' }],
      });
      await executeStep(handle, settleVerification, {
        args: [{ basis: 'inference', reason: '回放样例', settledBy: 'head-1' }],
      });
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'w' }] });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-3.2, L-7, S-3.1: accepted first (urgent preservation) and granted while the verification runs; a phone
    // inquiry refutes the hardship: the aid is terminated (L-9) and, no member confirmed, closes after the window.
    'accepted-first-verification-refuted': async () => {
      const input = fixture('KQ-1998-000028', await now(), ALL_MATERIALS);
      input.applicant = { name: '回放样例', idNumber: '330602198601011230' }; // aged 40: to be verified (S-1.3)
      input.intake = { urgentPreservation: true };
      const handle = await start(input);
      await grant(handle, 'af');
      const v = await executeStep(handle, requestVerification, {
        args: [{ route: 'phone', dueDays: 3, requestedBy: 's' }],
      });
      await executeStep(handle, recordVerificationResult, {
        args: [{ taskId: v.tasks[0]!.id, result: 'refuted', note: '回放样例', resultBy: 's' }],
      });
      await finish(handle);
      return [handle.workflowId];
    },
    // L-9 then L-10: granted, terminated on a ground, objection corrected: the aid resumes and is assigned again.
    'granted-terminated-objection-corrected': async () => {
      const handle = await start(fixture('KQ-1998-000007', await now(), ALL_MATERIALS));
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'h' }] });
      await handle.signal(terminateAid, { ground: 'no_longer_qualifies', reason: '回放样例', terminatedBy: 'head-1' });
      await waitFor(handle, (s) => s.stage === 'terminated', 'the termination');
      await testEnv.sleep('1 day');
      await executeStep(handle, fileObjection, { args: [{ reason: '回放样例', filedBy: 'app-1' }] });
      await executeStep(handle, decideObjection, {
        args: [{ outcome: 'corrected', reason: '回放样例', decidedBy: 'bureau-1' }],
      });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-3.3, S-2.10, L-11: granted, assigned by rotation, the institution names another of its members, who reports
    // a conflict; the replacement is not confirmed in time (escalated), the agency names the member, who is then
    // replaced at the aided person's request.
    'assigned-conflict-replaced': async () => {
      const handle = await start(fixture('KQ-1998-000008', await now(), ALL_MATERIALS));
      let state = await grant(handle, 'i');
      const slot = state.assignment!.slots[0]!;
      const [inst, n] = [slot.proposedMemberId.slice(0, -1), slot.proposedMemberId.slice(-1)];
      const sibling = `${inst}${n === '1' ? '2' : '1'}`; // the other member of the same institution
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: slot.ledgerSeq, memberId: sibling, confirmedBy: 'inst', by: 'institution' }],
      });
      await executeStep(handle, reportConflict, {
        args: [{ memberId: sibling, scope: 'member', reason: '回放样例', reportedBy: sibling }],
      });
      await settled(handle);
      await testEnv.sleep('2 days'); // past the institution's confirmation deadline: escalated
      state = await stateOf(handle);
      const next = state.assignment!.slots.at(-1)!;
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: next.ledgerSeq, memberId: next.proposedMemberId, confirmedBy: 'staff-1', by: 'agency' }],
      });
      await executeStep(handle, replaceMember, {
        args: [{ memberId: next.proposedMemberId, reason: '回放样例', decidedBy: 'staff-1' }],
      });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-2.9(f), S-3.3, L-3: a major group case waits for the head past the day's end and the statutory limit; the
    // head assigns after a discussion, the rotation fills the group's second place.
    'major-case-discussed': async () => {
      const input = fixture('KQ-1998-000009', await now(), ALL_MATERIALS);
      input.intake = { assignment: { majorCase: true, aidedPersons: 12 } };
      const handle = await start(input);
      await grant(handle, 'j');
      await testEnv.sleep('4 days');
      await executeStep(handle, assignCase, {
        args: [{ method: 'discussion', memberId: 'kq-b1', discussionRecord: '回放样例', assignedBy: 'head-1' }],
      });
      await settled(handle);
      return [handle.workflowId];
    },
    // S-2.9(a), S-2.10: the aided person chose a member: the agency confirms the priority (assigned at once), and the
    // rotation fills the group's second place, confirmed by its institution.
    'assigned-by-priority': async () => {
      const input = fixture('KQ-1998-000016', await now(), ALL_MATERIALS);
      input.intake = { assignment: { chosenMemberId: 'kq-c1', aidedPersons: 15 } };
      const handle = await start(input);
      await grant(handle, 'p');
      await executeStep(handle, assignCase, {
        args: [{ method: 'priority', rule: 'S-2.9(a)', memberId: 'kq-c1', assignedBy: 'staff-1' }],
      });
      await settled(handle);
      await confirmAll(handle);
      return [handle.workflowId];
    },
    // S-3.3 group case: 25 aided persons, three places picked by rotation and confirmed; the lead member signs (L-6),
    // another member is replaced (L-11), the new one confirmed: the engaged lead member carries on.
    'group-case': async () => {
      const input = fixture('KQ-1998-000017', await now(), ALL_MATERIALS);
      input.intake = { assignment: { aidedPersons: 25 } };
      const handle = await start(input);
      await grant(handle, 'q');
      const lead = await confirmAll(handle);
      await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: lead }] });
      const other = (await stateOf(handle)).assignment!.slots.find((s) => !s.releasedAt && s.memberId !== lead)!;
      await executeStep(handle, replaceMember, {
        args: [{ memberId: other.memberId!, reason: '回放样例', decidedBy: 'staff-1' }],
      });
      await settled(handle);
      await confirmAll(handle);
      await waitFor(handle, (s) => s.stage === 'performing', 'the lead member carrying on');
      return [handle.workflowId];
    },
    // S-2.9(b): the same person's same case at a later stage goes to the member of the earlier stage at once.
    'earlier-stage-member': async () => {
      const input = fixture('KQ-1998-000018', await now(), ALL_MATERIALS);
      input.intake = { assignment: { earlierApplicationNo: 'KQ-1998-000016' } };
      const handle = await start(input);
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'r' }] });
      await waitFor(handle, (s) => s.stage === 'assigned' || s.assignment?.status === 'awaiting_institution', 'pick');
      return [handle.workflowId];
    },
    // L-4, S-2.9(c), L-5: a notification case registered from the court's letter (a person with no ID number, no
    // application, no hardship test, no decision) goes straight to a qualified duty lawyer; the notifying organ is told
    // whom the agency assigned.
    'notification-case-assigned': async () => {
      const input = fixture('KQ-1998-000019', await now(), []);
      input.channel = 'notification';
      input.applicant = { name: '回放样例' };
      input.economicSituation = undefined;
      input.matter = { category: 'criminal_defence', summary: '回放样例' };
      input.intake = {
        notification: {
          organ: 'court',
          organName: '回放样例法院',
          letterNo: '（1998）回放刑初1号',
          noticeDate: await today(),
          caseStage: 'first_instance',
          ground: 'life_or_death_sentence',
        },
      };
      const handle = await start(input);
      await settled(handle);
      await confirmAll(handle);
      return [handle.workflowId];
    },
    // L-4: a notification for another agency is returned to the organ with the reasons; the picked member released.
    'notification-returned': async () => {
      const input = fixture('KQ-1998-000032', await now(), []);
      input.channel = 'notification';
      input.applicant = { name: '回放样例', idDocument: { type: 'passport', number: 'E0000000' } };
      input.economicSituation = undefined;
      input.matter = { category: 'criminal_defence', summary: '回放样例' };
      input.intake = {
        notification: {
          organ: 'procuratorate',
          organName: '回放样例检察院',
          letterNo: '回放检通援〔1998〕1号',
          noticeDate: await today(),
          caseStage: 'prosecution',
          ground: 'compulsory_medical',
        },
      };
      const handle = await start(input);
      await waitFor(handle, (s) => s.assignment !== undefined && s.assignment.status !== 'picking', 'the first pick');
      await executeStep(handle, returnToOrgan, {
        args: [{ ground: 'wrong_agency', reason: '回放样例', returnedBy: 'staff-1' }],
      });
      await finish(handle);
      return [handle.workflowId];
    },
    // S-2.10: nobody eligible (YC has no pool): the case waits for the agency, whose rotation step is refused too;
    // L-9 while assigning, no objection within the window: final.
    'nobody-eligible-terminated': async () => {
      const input = fixture('YC-1998-000001', await now(), ALL_MATERIALS);
      input.agencyCode = 'YC';
      const handle = await start(input);
      await grant(handle, 't');
      await executeStep(handle, assignCase, { args: [{ method: 'rotation', assignedBy: 'staff-1' }] }).catch(
        () => undefined,
      );
      await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '回放样例', terminatedBy: 'head-1' });
      await finish(handle);
      return [handle.workflowId];
    },
    // L-6, L-12, S-4.2, L-9: assigned; the delay of the agreement recorded, overdue (escalated), signed late;
    // progress reported; the matter ended and the closure report overdue (reminded, escalated); the member reports a
    // termination ground and the agency terminates the aid; no objection within the window: final, and evaluated.
    'l9-terminated-during-performance': async () => {
      const handle = await start(fixture('KQ-1998-000020', await now(), ALL_MATERIALS));
      await grant(handle, 'u');
      const member = await confirmAll(handle);
      await executeStep(handle, recordEngagementDelay, {
        args: [{ cause: 'aided_person', reason: '回放样例', recordedBy: member }],
      });
      await testEnv.sleep('6 days'); // L-6: reminded, then escalated
      await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: member }] });
      await executeStep(handle, reportProgress, { args: [{ note: '回放样例', reportedBy: member }] });
      await executeStep(handle, reportMatterEnded, { args: [{ endedOn: await today(), reportedBy: member }] });
      await testEnv.sleep('32 days'); // L-12: reminders, then escalated
      await executeStep(handle, reportTerminationGround, {
        args: [{ ground: 'case_ended_or_withdrawn', facts: '回放样例', reportedBy: member }],
      });
      await handle.signal(terminateAid, {
        ground: 'case_ended_or_withdrawn',
        reason: '回放样例',
        terminatedBy: 'head-1',
      });
      // Final after the objection window: the work done goes to the evaluation (S-4.4, every case evaluated).
      await testEnv.sleep('20 days');
      await waitFor(handle, (s) => s.stage === 'evaluating', 'the evaluation of the terminated aid');
      return [handle.workflowId];
    },
    // L-6, L-12, S-4.3, S-4.4, S-4.5: a whole case to its payout, with reminders and a returned file; 80: good (0.9).
    'lifecycle-good': async () =>
      evaluated(
        { ...fixture('KQ-1998-000010', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK },
        (evaluation) => score(evaluation, 80),
        true,
      ),
    // S-4.4, S-2.8(a), S-4.6: unqualified, confirmed by the expert, objection upheld by the city centre with a new
    // score (late: reminded and escalated; removal reversed, payout adjusted, interview cancelled).
    'lifecycle-unqualified-objection': async () =>
      evaluated(
        { ...fixture('KQ-1998-000011', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK },
        async (evaluation, member) => {
          await score(evaluation, 50);
          await executeStep(evaluation, expertReview, {
            args: [{ score: 50, comments: '回放样例', reviewedBy: 'expert-1' }],
          });
          await executeStep(evaluation, objectToScore, { args: [{ reason: '回放样例', filedBy: member }] });
          await testEnv.sleep('16 days'); // the city centre's review is late: reminded and escalated
          await executeStep(evaluation, decideScoreObjection, {
            args: [{ score: 77, comments: '回放样例', reviewedBy: 'city-1' }],
          });
        },
        true,
      ),
    // S-4.4: the city centre's objection decision lands on excellent (92): an expert re-reviews it (88, good), final.
    'evaluation-objection-expert': async () =>
      evaluated(
        { ...fixture('KQ-1998-000031', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK },
        async (evaluation, member) => {
          await score(evaluation, 50);
          await executeStep(evaluation, expertReview, {
            args: [{ score: 50, comments: '回放样例', reviewedBy: 'expert-1' }],
          });
          await executeStep(evaluation, objectToScore, { args: [{ reason: '回放样例', filedBy: member }] });
          await executeStep(evaluation, decideScoreObjection, {
            args: [{ score: 92, comments: '回放样例', reviewedBy: 'city-1' }],
          });
          await executeStep(evaluation, expertReview, {
            args: [{ score: 88, comments: '回放样例', reviewedBy: 'expert-2' }],
          });
        },
      ),
    // S-4.4: excellent (95) goes to an expert, who confirms it: final, paid at the excellent coefficient (S-4.5).
    'evaluation-expert-review-excellent': async () =>
      evaluated({ ...fixture('KQ-1998-000021', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK }, async (e) => {
        await score(e, 95);
        await executeStep(e, expertReview, { args: [{ score: 95, comments: '回放样例', reviewedBy: 'expert-1' }] });
      }),
    // S-4.4: every result sampled (spotCheckRate 1): good (80), the city centre's spot check changes it to 70 (pass):
    // the payout is adjusted (S-4.5), final.
    'evaluation-spot-check': async () =>
      evaluated(
        {
          ...fixture('KQ-1998-000022', await now(), ALL_MATERIALS),
          rules: { ...DEFAULT_RULE_CONFIG, spotCheckRate: 1 },
        },
        async (e) => {
          await score(e, 80);
          await executeStep(e, spotCheck, { args: [{ score: 70, comments: '回放样例', reviewedBy: 'city-1' }] });
        },
      ),
    // S-4.4: the spot check finds an excellent case (92): an expert re-reviews it first (88, good), then final.
    'evaluation-spot-check-expert': async () =>
      evaluated(
        {
          ...fixture('KQ-1998-000023', await now(), ALL_MATERIALS),
          rules: { ...DEFAULT_RULE_CONFIG, spotCheckRate: 1 },
        },
        async (e) => {
          await score(e, 80);
          await executeStep(e, spotCheck, { args: [{ score: 92, comments: '回放样例', reviewedBy: 'city-1' }] });
          await executeStep(e, expertReview, { args: [{ score: 88, comments: '回放样例', reviewedBy: 'expert-1' }] });
        },
      ),
    // S-4.4, S-4.5: marked special before the score: not evaluated, paid at the special coefficient; the case closes
    // as a special case.
    'evaluation-special': async () =>
      evaluated({ ...fixture('KQ-1998-000024', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK }, (e) =>
        executeStep(e, markSpecial, { args: [{ reason: '回放样例', markedBy: 'head-1' }] }),
      ),
    // S-3.3, S-4.5: a group case (three members) evaluated once; each member is paid an equal part of the payout.
    'evaluation-group-case': async () => {
      const input = { ...fixture('KQ-1998-000033', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK };
      input.intake = { assignment: { aidedPersons: 25 } };
      return evaluated(input, (e) => score(e, 80));
    },
    // L-9 after the assignment, final after the objection window: the work done is evaluated and paid the
    // terminated-case share of the base fee (S-4.4, S-4.5).
    'evaluation-terminated-case': async () => {
      const handle = await start({ ...fixture('KQ-1998-000034', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK });
      await grant(handle, 'w');
      await confirmAll(handle);
      await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '回放样例', terminatedBy: 'head-1' });
      await testEnv.sleep('20 days');
      const evaluation = await evaluationOf(handle);
      await executeStep(evaluation, assignEvaluator, {
        args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 's' }],
      });
      await score(evaluation, 80);
      await finish(handle);
      return [handle.workflowId, evaluation.workflowId];
    },
    // S-4.5: no fee schedule for administrative matters: the agency is told, the payout waits; once the schedule is
    // added, the daily retry pays and the evaluation ends.
    'evaluation-payout-retry': async () => {
      const input = { ...fixture('KQ-1998-000025', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK };
      input.matter = { category: 'state_compensation', summary: '回放样例' };
      return evaluated(input, async (e) => {
        await score(e, 80);
        await feeSchedule('administrative');
      });
    },
    // S-4.4, S-4.5: the case finds its evaluation already running (an operator's reset, README "Known problem found
    // by item 1"): it waits for that one and closes with its result.
    'evaluation-found-running': async () => {
      const input = { ...fixture('KQ-1998-000026', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK };
      const handle = await start(input);
      await grant(handle, 'x');
      const member = await confirmAll(handle);
      await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: member }] });
      await executeStep(handle, submitCaseFile, {
        args: [{ documents: ['回放样例'], report: '回放样例', matterEndedOn: await today(), submittedBy: member }],
      });
      const p = (await stateOf(handle)).performance!;
      const evaluationInput: EvaluationInput = {
        applicationNo: input.applicationNo,
        agencyCode: input.agencyCode,
        memberId: p.memberId,
        institutionId: p.institutionId,
        matterType: matterTypeOf(input),
        caseStage: p.caseStage,
        assignedOn: p.assignedOn,
        rules: input.rules,
      };
      const evaluation = await testEnv.client.workflow.start<typeof evaluationWorkflow>('evaluationWorkflow', {
        workflowId: evaluationWorkflowId(input.applicationNo),
        taskQueue: 'record',
        args: [evaluationInput],
      });
      await executeStep(evaluation, assignEvaluator, {
        args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 's' }],
      });
      await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }] });
      await waitFor(handle, (s) => s.stage === 'evaluating', 'the evaluation stage');
      await score(evaluation, 80);
      await finish(handle);
      return [handle.workflowId, evaluation.workflowId];
    },
    // S-4.4, S-2.8(a), S-4.6: unqualified (40), confirmed by the expert; no objection within the window: final; the
    // interview is overdue (escalated), then held. Last of the case scenarios: the member stays removed.
    'evaluation-unqualified-interview': async () =>
      evaluated({ ...fixture('KQ-1998-000027', await now(), ALL_MATERIALS), rules: NO_SPOT_CHECK }, async (e) => {
        await score(e, 40);
        await executeStep(e, expertReview, { args: [{ score: 40, comments: '回放样例', reviewedBy: 'expert-1' }] });
        await testEnv.sleep('17 days'); // the objection window and the interview's deadline pass
        await executeStep(e, recordInterview, {
          args: [{ heldOn: await today(), notes: '回放样例', recordedBy: 'staff-1' }],
        });
      }),
    // S-2.8(b): a member suspended (penalty) until 3 days ahead; the timer ends the period: awaiting the agency's confirmation of re-entry.
    'pool-impact': async () => {
      await pool.registerInstitution({ id: 'IM-A', agencyCode: 'IM', name: '回放样例', kind: 'law_firm' });
      const base = { memberId: 'im-a1', actor: 'staff-1', requestId: null };
      await pool.registerMember({ ...base, institutionId: 'IM-A', entryRoute: 'recruitment' });
      await pool.confirmMember({
        ...base,
        standards: { basis: 'attestation', date: '2026-11-20', reference: '回放样例' },
      });
      const change = await pool.removeMember({
        ...base,
        removalKind: 'penalty',
        reason: '回放样例',
        impactUntil: new Date((await nowMs()) + 3 * DAY_MS).toISOString(),
      });
      const timer = change.impactTimer!;
      const handle = await testEnv.client.workflow.start<typeof poolImpactWorkflow>('poolImpactWorkflow', {
        workflowId: poolImpactWorkflowId(timer.eventId),
        taskQueue: 'record',
        args: [{ memberId: base.memberId, eventId: timer.eventId, until: timer.until }],
      });
      await finish(handle);
      const member = await prisma.poolMember.findUniqueOrThrow({ where: { id: base.memberId } });
      if (member.status !== 'pending')
        throw new Error('pool-impact: the impact period did not end (awaiting re-entry)');
      return [handle.workflowId];
    },
    // complaintWorkflow, L-13: accepted late (escalated), a handler, an investigation step, the member's answer, one
    // extension, a partly substantiated decision with a correction, the result told after its 5 working days.
    complaint: async () => {
      const complaintId = 'TS-00000000000000000001';
      const receivedAt = await now();
      await prisma.complaint.create({
        data: {
          ...{ id: complaintId, idempotencyKey: complaintId, requestHash: '0'.repeat(64), agencyCode: 'KQ' },
          ...{ channel: 'window', complainantKind: 'witness', anonymous: false, details: { facts: '回放样例' } },
          ...{ respondentKind: 'member', respondentId: 'cm-1', institutionId: 'CM-A', ground: 'negligence' },
          ...{ filedBy: 'staff-1', filedByRole: 'agency_staff', status: 'received' },
          ...{ receivedAt: new Date(receivedAt), acceptDueAt: new Date(receivedAt) },
        },
      });
      const handle = await testEnv.client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
        workflowId: complaintWorkflowId(complaintId),
        taskQueue: 'record',
        args: [
          {
            complaintId,
            agencyCode: 'KQ',
            receivedAt,
            anonymous: false,
            respondent: { kind: 'member', id: 'cm-1', institutionId: 'CM-A', agencyCode: 'KQ' },
            ground: 'negligence',
          },
        ],
      });
      await testEnv.sleep('10 days'); // the acceptance deadline passes: reminded, escalated
      await executeStep(handle, acceptComplaint, { args: [{ accepted: true, reason: '', by: 'staff-1' }] });
      const handler = { handlerId: 'staff-2', handlerRole: 'agency_staff', assignedBy: 'head-1' };
      await executeStep(handle, assignComplaintHandler, { args: [handler] });
      await executeStep(handle, recordComplaintInvestigation, {
        args: [{ kind: 'document', summary: '回放样例', by: 'staff-2' }],
      });
      await executeStep(handle, answerComplaint, { args: [{ summary: '回放样例', by: 'cm-1' }] });
      await executeStep(handle, extendComplaint, { args: [{ days: 30, reason: '回放样例', approvedBy: 'head-1' }] });
      await executeStep(handle, decideComplaint, {
        args: [{ outcome: 'partly', measures: ['correction'], reason: '回放样例', by: 'staff-2' }],
      });
      await testEnv.sleep('10 days'); // the notice's 5 working days pass: escalated
      await executeStep(handle, notifyComplaintResult, { args: [{ by: 'staff-2' }] });
      await finish(handle);
      return [handle.workflowId];
    },
    // Issue 8, the schedules' jobs: the read model's reconciliation (KQ) and the daily digest.
    'reconcile-read-model': async () => {
      const handle = await testEnv.client.workflow.start<typeof reconcileReadModelWorkflow>(
        'reconcileReadModelWorkflow',
        { workflowId: 'read-model-reconcile-replay', taskQueue: 'record', args: [{ agencyCode: 'KQ' }] },
      );
      await finish(handle);
      return [handle.workflowId];
    },
    // Civil Code art. 203: a calendar change broadcast to the open cases, in pages.
    'calendar-broadcast': async () => {
      const handle = await testEnv.client.workflow.start<typeof calendarBroadcastWorkflow>(
        'calendarBroadcastWorkflow',
        { workflowId: 'calendar-broadcast-replay', taskQueue: 'record', args: [{ calendarVersion: 'replay' }] },
      );
      await finish(handle);
      return [handle.workflowId];
    },
    'daily-digest': async () => {
      const handle = await testEnv.client.workflow.start<typeof dailyDigestWorkflow>('dailyDigestWorkflow', {
        workflowId: 'daily-digest-replay',
        taskQueue: 'record',
        args: [{ withinHours: 24 }],
      });
      await finish(handle);
      return [handle.workflowId];
    },
  };

  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !(n in scenarios));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  }
  const written: string[] = [];
  await worker.runUntil(async () => {
    for (const [name, run] of Object.entries(scenarios).filter(([n]) => only.length === 0 || only.includes(n))) {
      const ids = await run();
      for (const [i, workflowId] of ids.entries()) {
        const { json, events } = await quietHistory(workflowId);
        // A scenario's further workflows (its evaluation) get their workflow id's prefix.
        const file = `${name}${i === 0 ? '' : `-${workflowId.split('-')[0]}`}.json`;
        writeFileSync(join(__dirname, file), json);
        written.push(file);
        console.log(`recorded ${file} (${events.length} events)`);
        // A case left open (granted, assigned) stops here, quiet: its later timers must not run into other scenarios
        // (and a task in flight when it is terminated would leave the test server's clock locked).
        const handle = testEnv.client.workflow.getHandle(workflowId);
        if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('recorded');
      }
    }
  });
  if (only.length === 0) {
    // The whole baseline: histories of scenarios that no longer exist go.
    for (const stale of readdirSync(__dirname).filter((f) => f.endsWith('.json') && !written.includes(f))) {
      unlinkSync(join(__dirname, stale));
      console.log(`removed ${stale}`);
    }
  }
  await testEnv.teardown();
  await prisma.$disconnect();
  await dropDatabase(url.toString());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
