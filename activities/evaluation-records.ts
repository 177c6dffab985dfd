import { Context } from '@temporalio/activity';
import { evaluationWorkflowId, type EvaluationOutcome, type EvaluationState } from '../domain/definitions';
import { evaluationObligations } from '../domain/obligations';
import { TIERS, type Tier } from '../domain/quality';
import { cstYearOf } from '../domain/time';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import { answersSql, notifySql, type StoredAnswer } from './step-answers';
import { queueNoticesTx, type NoticeChannels, type NoticeRequest } from './notifications';
import { claimSyncSql, obligationWritesSql } from './obligations';

/**
 * The stored record of an evaluation (S-4.4), written only by its workflow. Idempotent and ordered: a write carries
 * the workflow's `seq`, and a late retry of an older write never overwrites a newer state.
 */
export function createEvaluationRecords({ prisma, ...channels }: { prisma: PrismaClient } & NoticeChannels) {
  return {
    /** One batch of the evaluation's recorder: its state and obligations, and its notices, in one transaction. */
    async recordEvaluation({
      state,
      notices = [],
      answers,
    }: {
      state: EvaluationState;
      notices?: NoticeRequest[];
      answers?: StoredAnswer[];
    }): Promise<string[]> {
      const columns = {
        agencyCode: state.agencyCode,
        memberId: state.memberId,
        institutionId: state.institutionId,
        status: state.status,
        special: state.special !== undefined,
        score: state.current?.score ?? null,
        tier: state.current?.tier ?? null,
        scoreVersion: state.current?.version ?? 0,
        // S-4.7, S-4.6: a result counts for the China year in which it became final.
        year: state.finalizedAt ? cstYearOf(new Date(state.finalizedAt)) : null,
        finalizedAt: state.finalizedAt ? new Date(state.finalizedAt) : null,
        state: JSON.parse(
          JSON.stringify({ ...state, tierLabel: state.current ? TIERS[state.current.tier as Tier] : undefined }),
        ) as Prisma.InputJsonValue,
        stateSeq: state.seq,
      };
      const sync = {
        applicationNo: state.applicationNo,
        source: 'evaluation' as const,
        seq: state.seq,
        obligations: evaluationObligations(state),
        writtenBy: 'workflow' as const,
      };
      // The evaluation's row (never over a newer state), its obligations, the step answers and the notification in
      // one statement, after the claim of the obligations' sync row (as recordCase).
      const write = Prisma.sql`WITH written AS (
          INSERT INTO evaluation (application_no, agency_code, member_id, institution_id, status, special, score, tier,
                                  score_version, year, finalized_at, state, state_seq, updated_at)
          VALUES (${state.applicationNo}, ${columns.agencyCode}, ${columns.memberId}, ${columns.institutionId},
                  ${columns.status}, ${columns.special}, ${columns.score}::numeric, ${columns.tier}::text,
                  ${columns.scoreVersion}, ${columns.year}::int, ${columns.finalizedAt}::timestamptz,
                  ${JSON.stringify(columns.state)}::jsonb, ${columns.stateSeq}, now())
          ON CONFLICT (application_no) DO UPDATE SET
            agency_code = EXCLUDED.agency_code, member_id = EXCLUDED.member_id,
            institution_id = EXCLUDED.institution_id, status = EXCLUDED.status, special = EXCLUDED.special,
            score = EXCLUDED.score, tier = EXCLUDED.tier, score_version = EXCLUDED.score_version, year = EXCLUDED.year,
            finalized_at = EXCLUDED.finalized_at, state = EXCLUDED.state, state_seq = EXCLUDED.state_seq,
            updated_at = now()
          WHERE evaluation.state_seq < EXCLUDED.state_seq
        ), ${obligationWritesSql(sync)}, ${answersSql(answers)} ${notifySql(evaluationWorkflowId(state.applicationNo))}`;
      if (notices.length === 0) {
        await prisma.$transaction([prisma.$queryRaw(claimSyncSql(sync)), prisma.$executeRaw(write)]);
        return [];
      }
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw(claimSyncSql(sync));
        await tx.$executeRaw(write);
        return queueNoticesTx(tx, notices, channels);
      });
    },

    /**
     * Where a case's evaluation workflow stands when the case finds one already there (an operator reset the case to
     * before the evaluation's start: Temporal resets do not touch children): still running, completed with its
     * outcome, or ended without one (failed, terminated), when the case starts a new one. Read through the worker's
     * own client (same namespace and payload codec).
     */
    async evaluationRunOf({
      workflowId,
    }: {
      workflowId: string;
    }): Promise<{ status: 'running' } | { status: 'completed'; outcome: EvaluationOutcome } | { status: 'ended' }> {
      const handle = Context.current().client.workflow.getHandle(workflowId);
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return { status: 'running' };
      if (status.name === 'COMPLETED')
        return { status: 'completed', outcome: (await handle.result()) as EvaluationOutcome };
      return { status: 'ended' };
    },
  };
}
