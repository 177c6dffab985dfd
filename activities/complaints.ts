import { complaintWorkflowId, type ComplaintState } from '../domain/definitions';
import { complaintObligations } from '../domain/obligations';
import { PoolRuleError } from '../domain/pool';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { createPoolRepository, PoolLookupError } from '../repositories/pool';
import { queueNoticesTx, type NoticeChannels, type NoticeRequest } from './notifications';
import { syncObligations } from './obligations';
import { recordedTx, type StoredAnswer } from './step-answers';

/**
 * The stored record of complaints (L-13) and the pool action a substantiated complaint leads to (S-2.8(b)). Every
 * write is idempotent: the complaint row carries the workflow's `seq` (a late retry never overwrites a newer state)
 * and its obligations are synced by the same `seq`; a suspension is the pool's own status change, keyed per complaint.
 */
export function createComplaintActivities({ prisma, ...channels }: { prisma: PrismaClient } & NoticeChannels) {
  const pool = createPoolRepository({ prisma });
  return {
    /** One batch of the complaint's recorder: its state, obligations, step answers and notices, in one transaction. */
    async recordComplaint({
      state,
      notices = [],
      answers,
    }: {
      state: ComplaintState;
      notices?: NoticeRequest[];
      answers?: StoredAnswer[];
    }): Promise<string[]> {
      const at = (iso: string | undefined) => (iso ? new Date(iso) : null);
      const columns = {
        status: state.status,
        acceptedAt: state.acceptance?.accepted ? new Date(state.acceptance.at) : null,
        dueAt: at(state.dueAt),
        extendedDays: state.extension?.days ?? null,
        handlerId: state.handler?.id ?? null,
        decidedAt: at(state.decision?.at),
        outcome: state.decision?.outcome ?? null,
        measures: state.decision?.measures ?? [],
        notifyDueAt: at(state.notifyDueAt),
        closedAt: state.status === 'closed' ? at(state.notified?.at ?? state.decision?.at) : null,
        escalated: state.escalations.length > 0,
        state: JSON.parse(JSON.stringify(state)) as Prisma.InputJsonValue,
        stateSeq: state.seq,
      };
      return prisma.$transaction(async (tx) => {
        await tx.complaint.updateMany({ where: { id: state.complaintId, stateSeq: { lt: state.seq } }, data: columns });
        await syncObligations(tx, {
          applicationNo: state.complaintId,
          source: 'complaint',
          seq: state.seq,
          obligations: complaintObligations(state),
          writtenBy: 'workflow',
        });
        await recordedTx(tx, complaintWorkflowId(state.complaintId), answers);
        return queueNoticesTx(tx, notices, channels);
      });
    },

    /**
     * S-2.8(b) for a substantiated complaint: the member is removed from the pool through the pool's own action (a
     * `penalty` removal with its impact period, in the agency's rotation lock), keyed per complaint so a retry writes
     * nothing twice. A refusal of the pool's rules is answered, never thrown (the workflow must not retry it for ever).
     * `impactTimer`: the caller starts `poolImpactWorkflow` for it (idempotent), as the API does for a suspension.
     */
    async suspendForComplaint(args: { complaintId: string; memberId: string; until: string; actor: string }): Promise<{
      eventId: string | null;
      refusal: string | null;
      impactTimer: { eventId: string; until: string } | null;
    }> {
      try {
        const change = await pool.removeMember({
          memberId: args.memberId,
          removalKind: 'penalty',
          reason: `投诉 ${args.complaintId} 经查属实，移出人员库，影响期内不予指派（L-13，S-2.8(b)）`,
          actor: args.actor,
          impactUntil: args.until,
          requestId: `complaint-suspension-${args.complaintId}`,
        });
        return { eventId: change.event.id, refusal: null, impactTimer: change.impactTimer };
      } catch (err) {
        if (err instanceof PoolRuleError || err instanceof PoolLookupError) {
          return { eventId: null, refusal: err.code, impactTimer: null };
        }
        throw err;
      }
    },
  };
}
