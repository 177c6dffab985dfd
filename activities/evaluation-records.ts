import { Context } from '@temporalio/activity';
import { evaluationWorkflowId, type EvaluationOutcome, type EvaluationState } from '../domain/definitions';
import { evaluationObligations } from '../domain/obligations';
import { TIERS, type Tier } from '../domain/quality';
import { cstYearOf } from '../domain/time';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { recordedTx, type StoredAnswer } from './step-answers';
import { queueNoticesTx, type NoticeChannels, type NoticeRequest } from './notifications';
import { syncObligations } from './obligations';

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
      return prisma.$transaction(async (tx) => {
        await tx.evaluation.createMany({
          data: [{ applicationNo: state.applicationNo, ...columns }],
          skipDuplicates: true,
        });
        await tx.evaluation.updateMany({
          where: { applicationNo: state.applicationNo, stateSeq: { lt: state.seq } },
          data: columns,
        });
        // Issue 8: the evaluation's obligations (evaluator, expert, city centre, interview, payout) in the read model.
        await syncObligations(tx, {
          applicationNo: state.applicationNo,
          source: 'evaluation',
          seq: state.seq,
          obligations: evaluationObligations(state),
          writtenBy: 'workflow',
        });
        await recordedTx(tx, evaluationWorkflowId(state.applicationNo), answers);
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
