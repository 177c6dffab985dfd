/**
 * `npm run bench:lifecycle -- [N]`: N complete standard cases, intake to payout, one after another, against the
 * embedded stack (the Temporal CLI dev server with a file-backed state, as `npm start` runs it; PostgreSQL at
 * DATABASE_URL's server in a fresh database, else embedded). Each case: deferred documents supplied, verification-free
 * grant, rotation pick, institution confirmation, engagement (L-6), closure report and file (L-12), quality manager
 * approval (S-4.3), evaluator, score 80 (S-4.4), payout (S-4.5), closed. Prints per case the wall-clock duration and
 * the history length (events) of the case's workflow and of its evaluation workflow, and the median.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import {
  applicationWorkflowId,
  assignEvaluator,
  confirmMember,
  decide,
  evaluationWorkflowId,
  getEvaluation,
  getState,
  recordEngagement,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  supplyMaterials,
  type ApplicationInput,
  type ApplicationState,
} from '../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../domain/rule-config';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { cstDateOf } from '../domain/time';
import { dataConverter } from '../platform/codec';
import { createPrisma, dropDatabase, ensureDatabase, startEmbeddedPostgres } from '../platform/database';
import { loadEnv } from '../platform/env';
import { createLogger } from '../platform/logger';
import { applyMigrations } from '../platform/migrations';
import { resolveSecrets } from '../platform/secrets';
import { temporalCli } from '../platform/temporal';
import { buildWorkflowBundle, createWorker } from '../platform/worker';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await sleep(20);
  }
}

async function main() {
  const total = Number(process.argv[2] ?? 5);
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const scratch = mkdtempSync(join(tmpdir(), 'legal-aid-lifecycle-'));
  const env = { ...loadEnv(), DATA_DIR: scratch };
  const log = createLogger('error');
  let server = env.DATABASE_URL;
  let stopPg: (() => Promise<void>) | undefined;
  if (!server) {
    const pg = await startEmbeddedPostgres(scratch, 55000 + (process.pid % 1000), log);
    server = `${pg.serverUrl}/postgres`;
    stopPg = () => pg.stop();
  }
  const dbUrl = new URL(server);
  dbUrl.pathname = `/legal_aid_lifecycle_${Date.now()}`;
  await ensureDatabase(dbUrl.toString());
  await applyMigrations(dbUrl.toString());
  const prisma = createPrisma(dbUrl.toString(), 10);
  const agency = 'KQ';
  await prisma.poolInstitution.create({ data: { id: 'B-A', agencyCode: agency, name: '基准律所', listOrder: 0 } });
  await prisma.poolMember.create({ data: { id: 'b-a1', institutionId: 'B-A' } });
  await prisma.feeSchedule.create({
    data: {
      agencyCode: null,
      matterType: 'any',
      caseStage: 'any',
      amountCents: 150_000,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'bench',
    },
  });
  await prisma.scoringSheet.create({
    data: {
      id: 'bench-civil',
      kind: 'civil_administrative',
      version: 1,
      title: 'bench',
      items: [{ code: 'all', label: '综合', max: 100, weight: 1 }],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'bench',
    },
  });

  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCli(env),
      dbFilename: join(scratch, 'temporal.db'),
      searchAttributes: [...SEARCH_ATTRIBUTES],
    },
  });
  const secrets = resolveSecrets(env, true);
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createWorker(env, {
    connection: nativeConnection,
    prisma,
    workflowBundle: await buildWorkflowBundle(),
    codec: secrets.codec,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: dataConverter(secrets.codec) });

  const results: Array<{ ms: number; caseEvents: number; evaluationEvents: number }> = [];
  for (let i = 0; i < total; i++) {
    const applicationNo = `${agency}-2026-${String(900_000 + i)}`;
    const input: ApplicationInput = {
      applicationNo,
      agencyCode: agency,
      channel: 'walk_in',
      receivedAt: new Date().toISOString(),
      applicant: { name: '基准测试', idNumber: '33060219500101111X' },
      matter: { category: 'labour_remuneration', summary: '基准测试' },
      economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
      materialsSupplied: ['identity_proof'],
      intake: { correctionCommitment: true },
      rules: { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 },
    };
    const started = performance.now();
    const handle = await client.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(applicationNo),
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      args: [input],
    });
    const state = (): Promise<ApplicationState> => handle.query(getState);
    await until(state, (s) => s.stage === 'awaiting_materials');
    await handle.executeUpdate(supplyMaterials, {
      args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 's' }],
    });
    await handle.executeUpdate(decide, { args: [{ decision: 'grant', decidedBy: 'h', requestId: 'g' }] });
    const picked = await until(state, (s) => s.assignment?.status === 'awaiting_institution');
    const slot = picked.assignment!.slots[0]!;
    await handle.executeUpdate(confirmMember, {
      args: [{ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await until(state, (s) => s.stage === 'assigned' && s.performance !== undefined);
    const today = cstDateOf(new Date());
    await handle.executeUpdate(recordEngagement, { args: [{ signedOn: today, recordedBy: slot.proposedMemberId }] });
    await handle.executeUpdate(submitCaseFile, {
      args: [
        { documents: ['民事调解书'], report: '调解结案', matterEndedOn: today, submittedBy: slot.proposedMemberId },
      ],
    });
    await handle.executeUpdate(reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }] });
    const evaluation = client.workflow.getHandle(evaluationWorkflowId(applicationNo));
    await until(
      () => evaluation.query(getEvaluation),
      (e) => e.status === 'waiting_evaluator',
    );
    await evaluation.executeUpdate(assignEvaluator, { args: [{ evaluatorId: 'e', kind: 'peer', assignedBy: 's' }] });
    await evaluation.executeUpdate(submitScore, { args: [{ points: { all: 80 }, comments: '', scoredBy: 'e' }] });
    const outcome = (await handle.result()) as { stage: string };
    const ms = performance.now() - started;
    if (outcome.stage !== 'closed') throw new Error(`case ended in ${outcome.stage}`);
    const caseEvents = (await handle.fetchHistory()).events?.length ?? 0;
    const evaluationEvents = (await evaluation.fetchHistory()).events?.length ?? 0;
    results.push({ ms: Math.round(ms), caseEvents, evaluationEvents });
  }
  const paid = await prisma.payoutLine.count();
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        database: env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL 17',
        cases: total,
        payoutLines: paid,
        medianMs: sorted[Math.floor(sorted.length / 2)]!.ms,
        perCase: results,
      },
      null,
      2,
    ),
  );
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
  await prisma.$disconnect();
  await temporal.teardown();
  await dropDatabase(dbUrl.toString()).catch(() => undefined);
  await stopPg?.();
  if (paid !== total) {
    console.error('expected exactly one payout line per case');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
