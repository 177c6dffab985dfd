/**
 * `npm run replay:record`: records one history per scenario of applicationWorkflow into test/replay/*.json, for the
 * replay gate (replay.test.ts). Record new histories when a release adds behaviour; never re-record old ones to make
 * a failing replay pass: a failing replay means running cases would break (use patched() instead; see README).
 *
 * Needs DATABASE_URL (a server where it may create and drop a scratch database).
 *   npm run replay:record -- <prefix> [scenario ...]   writes test/replay/<prefix>-<scenario>.json (all scenarios,
 *   or the ones named); never overwrites a file
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import {
  answerCall,
  applicationWorkflowId,
  assignCase,
  claimCall,
  hotlineCallWorkflowId,
  recordCallOutcome,
  assignEvaluator,
  changeCaseStage,
  decideScoreObjection,
  evaluationWorkflowId,
  expertReview,
  getEvaluation,
  objectToScore,
  recordEngagement,
  reportMatterEnded,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  confirmMember,
  decide,
  replaceMember,
  reportConflict,
  decideObjection,
  extendCorrectionDeadline,
  fileObjection,
  getState,
  terminateAid,
  recordVerificationResult,
  requestVerification,
  supplyMaterials,
  type ApplicationInput,
} from '../../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { createPrisma, dropDatabase, ensureDatabase } from '../../platform/database';
import { loadEnv } from '../../platform/env';
import { createLogger } from '../../platform/logger';
import { applyMigrations } from '../../platform/migrations';
import { ensureSearchAttributes, temporalCli, temporalTestServer } from '../../platform/temporal';
import { buildWorkflowBundle } from '../../platform/worker';
import type { applicationWorkflow } from '../../workflows';
import { executeStep } from '../../platform/step-client';

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

async function main() {
  const prefix = process.argv[2];
  if (!prefix || !/^[a-z0-9-]+$/.test(prefix)) throw new Error('usage: npm run replay:record -- <prefix, e.g. v2>');
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/legal_aid_record_${Date.now()}`;
  await ensureDatabase(url.toString());
  await applyMigrations(url.toString());
  const prisma = createPrisma(url.toString(), 2);
  const testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: temporalTestServer(env) } });
  await ensureSearchAttributes(testEnv.connection, 'default', createLogger('warn'));
  const worker = await Worker.create({
    connection: testEnv.nativeConnection,
    taskQueue: 'record',
    workflowBundle: await buildWorkflowBundle(),
    activities: createActivities({ prisma }),
  });
  const now = async () => new Date(await testEnv.currentTimeMs()).toISOString();
  const start = async (input: ApplicationInput) =>
    testEnv.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue: 'record',
      args: [input],
    });

  // Granted cases stay open (for what follows and for L-9): wait for the assignment to settle, or for the end.
  const settled = async (handle: Awaited<ReturnType<typeof start>>) => {
    for (;;) {
      if ((await handle.describe()).status.name !== 'RUNNING') return;
      const state = await handle.query(getState);
      if (state.stage === 'granted' && !state.assignment) return; // histories from before the assignment stage
      if ((state.stage === 'assigning' || state.stage === 'assigned') && state.assignment?.status !== 'picking') return;
      await testEnv.sleep('1 hour');
    }
  };

  // S-2.8, S-2.9: a pool for KQ (two institutions, three members) so the assignment scenarios can pick.
  for (const [i, inst] of ['KQ-A', 'KQ-B'].entries()) {
    await prisma.poolInstitution.create({ data: { id: inst, agencyCode: 'KQ', name: `回放样例${i}`, listOrder: i } });
  }
  for (const [id, institutionId] of [
    ['kq-a1', 'KQ-A'],
    ['kq-a2', 'KQ-A'],
    ['kq-b1', 'KQ-B'],
  ] as const) {
    await prisma.poolMember.create({ data: { id, institutionId } });
  }

  // S-4.4, S-4.5: a scoring sheet and a city-wide fee schedule for the lifecycle scenarios.
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
  await prisma.feeSchedule.create({
    data: {
      agencyCode: null,
      matterType: 'any',
      caseStage: 'any',
      amountCents: 100_000,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'replay',
    },
  });
  /** From the grant to the approved file, then the evaluator: the case is then waiting for its score (S-4.4). */
  const toEvaluation = async (handle: Awaited<ReturnType<typeof start>>) => {
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
    await settled(handle);
    const slot = (await handle.query(getState)).assignment!.slots[0]!;
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await testEnv.sleep('6 days'); // L-6: reminded, then escalated
    const today = new Date((await testEnv.currentTimeMs()) + 8 * 3600_000).toISOString().slice(0, 10);
    await executeStep(handle, recordEngagement, { args: [{ signedOn: today, recordedBy: slot.proposedMemberId }] });
    await executeStep(handle, changeCaseStage, {
      args: [{ to: 'second_instance', note: '回放样例', changedBy: slot.proposedMemberId }],
    });
    await executeStep(handle, reportMatterEnded, { args: [{ endedOn: today, reportedBy: slot.proposedMemberId }] });
    await testEnv.sleep('25 days'); // L-12: reminders
    await executeStep(handle, submitCaseFile, {
      args: [{ documents: ['回放样例'], report: '回放样例', submittedBy: slot.proposedMemberId }],
    });
    await executeStep(handle, reviewCaseFile, { args: [{ approved: false, comments: '回放样例', reviewedBy: 'qm' }] });
    await executeStep(handle, submitCaseFile, {
      args: [{ documents: ['回放样例'], report: '回放样例', submittedBy: slot.proposedMemberId }],
    });
    await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }] });
    const evaluation = testEnv.client.workflow.getHandle(
      evaluationWorkflowId((await handle.query(getState)).applicationNo),
    );
    for (;;) {
      if (
        await evaluation.query(getEvaluation).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await executeStep(evaluation, assignEvaluator, {
      args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 's' }],
    });
    return evaluation;
  };

  const scenarios: Record<string, () => Promise<string | string[]>> = {
    // S-2.4, S-2.7, S-2.5: a night call claimed and lapsed, breached at 10:00, answered late, transferred.
    'hotline-call': async () => {
      const callId = 'H-00000000000000000001';
      const handle = await testEnv.client.workflow.start('hotlineCallWorkflow', {
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
      await handle.result();
      return handle.workflowId;
    },
    // L-6, L-12, S-4.3, S-4.4, S-4.5: a whole case to its payout, with reminders and a returned file; good (0.9).
    'lifecycle-good': async () => {
      const input = fixture('KQ-1998-000010', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']);
      input.rules = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 }; // no random spot check: a reproducible history
      const handle = await start(input);
      const evaluation = await toEvaluation(handle);
      await executeStep(evaluation, submitScore, {
        args: [{ points: { all: 80 }, comments: '', scoredBy: 'eval-1' }],
      });
      await handle.result();
      return [handle.workflowId, evaluation.workflowId];
    },
    // S-4.4, S-2.8(a), S-4.6: unqualified, confirmed by the expert, objection upheld by the city centre with a new
    // score (removal reversed, payout adjusted, interview cancelled).
    'lifecycle-unqualified-objection': async () => {
      const input = fixture('KQ-1998-000011', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']);
      input.rules = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 }; // no random spot check: a reproducible history
      const handle = await start(input);
      const evaluation = await toEvaluation(handle);
      await executeStep(evaluation, submitScore, {
        args: [{ points: { all: 50 }, comments: '', scoredBy: 'eval-1' }],
      });
      await executeStep(evaluation, expertReview, {
        args: [{ score: 50, comments: '回放样例', reviewedBy: 'expert-1' }],
      });
      await executeStep(evaluation, objectToScore, { args: [{ reason: '回放样例', filedBy: 'kq-a1' }] });
      await testEnv.sleep('16 days'); // the city centre's review is late: reminded and escalated
      await executeStep(evaluation, decideScoreObjection, {
        args: [{ score: 77, comments: '回放样例', reviewedBy: 'city-1' }],
      });
      await handle.result();
      return [handle.workflowId, evaluation.workflowId];
    },
    // S-3.3, S-2.10, L-11: granted, assigned by rotation, the institution names another member, a conflict is
    // reported, the replacement confirmed by the agency, and then replaced at the aided person's request.
    'assigned-conflict-replaced': async () => {
      const handle = await start(
        fixture('KQ-1998-000008', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']),
      );
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'i' }] });
      await settled(handle);
      let state = await handle.query(getState);
      const slot = state.assignment!.slots[0]!;
      const sibling = slot.proposedMemberId === 'kq-a1' ? 'kq-a2' : slot.proposedMemberId;
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: slot.ledgerSeq, memberId: sibling, confirmedBy: 'inst', by: 'institution' }],
      });
      await executeStep(handle, reportConflict, {
        args: [{ memberId: sibling, scope: 'member', reason: '回放样例', reportedBy: sibling }],
      });
      await settled(handle);
      await testEnv.sleep('2 days'); // past the institution's confirmation deadline: escalated
      state = await handle.query(getState);
      const next = state.assignment!.slots.at(-1)!;
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: next.ledgerSeq, memberId: next.proposedMemberId, confirmedBy: 'staff-1', by: 'agency' }],
      });
      await executeStep(handle, replaceMember, {
        args: [{ memberId: next.proposedMemberId, reason: '回放样例', decidedBy: 'staff-1' }],
      });
      await settled(handle);
      return handle.workflowId;
    },
    // S-2.9(f), S-3.3, L-3: a major case waits for the head past the day's end and the statutory limit.
    'major-case-discussed': async () => {
      const input = fixture('KQ-1998-000009', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']);
      input.intake = { assignment: { majorCase: true, aidedPersons: 12 } };
      const handle = await start(input);
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'j' }] });
      await settled(handle);
      await testEnv.sleep('4 days');
      await executeStep(handle, assignCase, {
        args: [{ method: 'discussion', memberId: 'kq-b1', discussionRecord: '回放样例', assignedBy: 'head-1' }],
      });
      await settled(handle);
      return handle.workflowId;
    },
    // L-9 then L-10: granted, terminated on a ground, objection corrected: the aid resumes.
    'granted-terminated-objection-corrected': async () => {
      const handle = await start(
        fixture('KQ-1998-000007', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']),
      );
      await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'h' }] });
      await handle.signal(terminateAid, { ground: 'no_longer_qualifies', reason: '回放样例', terminatedBy: 'head-1' });
      await testEnv.sleep('1 day');
      await executeStep(handle, fileObjection, { args: [{ reason: '回放样例', filedBy: 'app-1' }] });
      await executeStep(handle, decideObjection, {
        args: [{ outcome: 'corrected', reason: '回放样例', decidedBy: 'bureau-1' }],
      });
      await settled(handle);
      return handle.workflowId;
    },
    // S-3.2, L-2: deadline passes without materials (reminders on the way).
    'deferred-documents-terminated': async () => {
      const handle = await start(fixture('KQ-1998-000001', await now(), ['identity_proof']));
      await settled(handle);
      return handle.workflowId;
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
      return handle.workflowId;
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
      return handle.workflowId;
    },
    // L-10: refused, objection, corrected by the justice bureau, then granted.
    'refused-objection-corrected-granted': async () => {
      const handle = await start(
        fixture('KQ-1998-000005', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']),
      );
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
      return handle.workflowId;
    },
    // S-3.1: verification by a field check, then granted.
    'verified-then-granted': async () => {
      const input = fixture('KQ-1998-000006', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']);
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
      return handle.workflowId;
    },
    // L-1: complete file, refused with reasons.
    'complete-then-refused': async () => {
      const handle = await start(
        fixture('KQ-1998-000003', await now(), ['identity_proof', 'economic_statement', 'matter_evidence']),
      );
      await executeStep(handle, decide, {
        args: [{ decision: 'refuse', reason: '不符合经济困难标准', decidedBy: 'staff-2', requestId: 'c' }],
      });
      await settled(handle);
      return handle.workflowId;
    },
  };

  await worker.runUntil(async () => {
    const only = process.argv.slice(3);
    for (const [name, run] of Object.entries(scenarios).filter(([n]) => only.length === 0 || only.includes(n))) {
      const ids = [await run()].flat();
      for (const [i, workflowId] of ids.entries()) {
        // The Temporal CLI writes the canonical JSON form that historyFromJSON (and the Web UI) read.
        const cli = temporalCli(env);
        if (cli.type !== 'existing-path') throw new Error('the Temporal CLI is needed to record histories');
        const json = execFileSync(
          cli.path,
          ['workflow', 'show', '-w', workflowId, '--address', testEnv.address, '-o', 'json'],
          { encoding: 'utf8' },
        );
        // A scenario's further workflows (its evaluation) get the workflow type's prefix.
        const file = join(__dirname, `${prefix}-${name}${i === 0 ? '' : `-${workflowId.split('-')[0]}`}.json`);
        writeFileSync(file, json, { flag: 'wx' }); // never overwrite a recorded history
        console.log(`recorded ${file} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
      }
    }
  });
  await testEnv.teardown();
  await prisma.$disconnect();
  await dropDatabase(url.toString());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
