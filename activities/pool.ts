/**
 * The pool's activities (S-2.8), the changes workflows make: the end of an impact period (the impact timer), and the
 * evaluation stage's `removeForScore` and `reverseScoreRemoval`. Each runs in one transaction under the agency's
 * rotation lock and is idempotent by request id, through the helpers of repositories/pool.ts (where the API's staff
 * actions on the pool live).
 */
import { createHash } from 'node:crypto';
import {
  applyPoolEvent,
  impactEndedReason,
  memberState,
  PoolRuleError,
  reverseScoreRemoval,
  scoreRemovalStanding,
  type PoolReentry,
} from '../domain/pool';
import { DEFAULT_REMOVAL_THRESHOLD, removesMember } from '../domain/quality';
import type { PrismaClient } from '../prisma/generated/client';
import {
  lockAgency,
  memberNotFound,
  PoolLookupError,
  replay,
  TX,
  write,
  type PoolChange,
  type Tx,
} from '../repositories/pool';

/** The member row and its whole history, oldest first (inside the lock). */
const readMember = (tx: Tx, memberId: string) =>
  Promise.all([
    tx.poolMember.findUniqueOrThrow({ where: { id: memberId } }),
    tx.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } }),
  ]);

/** A caller's request id under a prefix of its own, within the column's 200 characters. */
const keyed = (prefix: string, requestId: string) =>
  prefix.length + requestId.length <= 200
    ? `${prefix}${requestId}`
    : `${prefix}${createHash('sha256').update(requestId).digest('hex')}`;

export function createPoolActivities({ prisma }: { prisma: PrismaClient }) {
  /** One transaction under the member's agency lock (404 as a PoolLookupError when the member is unknown). */
  async function inAgencyLock<T>(memberId: string, run: (tx: Tx, agencyCode: string) => Promise<T>): Promise<T> {
    const located = await prisma.poolMember.findUnique({ where: { id: memberId }, include: { institution: true } });
    if (!located) throw memberNotFound(memberId);
    const agencyCode = located.institution.agencyCode; // a member never changes agency
    return prisma.$transaction(async (tx) => {
      await lockAgency(tx, agencyCode);
      return run(tx, agencyCode);
    }, TX);
  }

  return {
    /**
     * S-2.8(b) the impact timer fired. Acts only if the member is still suspended by that very event: a newer event
     * (a replaced period, an (a) removal) has started its own timer, so this one is a no-op. Never throws a rule
     * error, so the workflow's unlimited retries cover only transient failures.
     */
    async endImpactPeriod(args: {
      memberId: string;
      eventId: string;
      reentry?: PoolReentry;
    }): Promise<{ ended: boolean }> {
      const member = await prisma.poolMember.findUnique({
        where: { id: args.memberId },
        include: { institution: true },
      });
      if (!member) return { ended: false };
      return prisma.$transaction(async (tx) => {
        await lockAgency(tx, member.institution.agencyCode);
        const [row, history] = await Promise.all([
          tx.poolMember.findUniqueOrThrow({ where: { id: args.memberId } }),
          tx.poolMemberEvent.findMany({ where: { memberId: args.memberId }, orderBy: { id: 'asc' } }),
        ]);
        if (row.status !== 'suspended' || row.statusEventId?.toString() !== args.eventId) return { ended: false };
        const now = new Date();
        const reentry = args.reentry ?? 'confirm';
        const transition = applyPoolEvent(memberState(row, history), { kind: 'impact_ended', reentry }, now);
        const meta = {
          reason: impactEndedReason(reentry),
          actor: 'system',
          requestId: `impact-ended-${args.eventId}`,
        };
        await write(tx, { id: args.memberId, agencyCode: member.institution.agencyCode }, transition, meta, now);
        return { ended: true };
      }, TX);
    },

    /**
     * S-2.8(a), for the evaluation stage: a case scored at or below the case's configured threshold (`threshold`, the
     * RuleConfig.removalThreshold it started with; default 65) removes its member at once; a higher score does nothing.
     * The decision is domain/quality.ts `removesMember`, the same the evaluation takes.
     * Idempotent per request: the evaluation workflow passes one `requestId` per (case, member, score version), so a
     * retried activity writes nothing twice; without one the key is per case and member (the older callers). A case
     * removes its member at most once while that removal stands (`scoreRemovalStanding`): a lower score version of
     * the same case, or one after the removal was served, answers with the standing removal's event. Answers instead
     * of throwing when the rule refuses (an unknown or pending member, a key reused for another request), so a
     * workflow never retries a business refusal forever.
     */
    async removeForScore(args: {
      memberId: string;
      applicationNo: string;
      score: number;
      threshold?: number;
      actor?: string;
      requestId?: string;
    }): Promise<{ removed: boolean; eventId: string | null; refusal: string | null }> {
      const threshold = args.threshold ?? DEFAULT_REMOVAL_THRESHOLD;
      if (!removesMember(args.score, threshold)) return { removed: false, eventId: null, refusal: null };
      const requestId =
        args.requestId === undefined
          ? `score-removal-${args.applicationNo}-${args.memberId}`
          : keyed('score-removal:', args.requestId);
      try {
        return await inAgencyLock(args.memberId, async (tx, agencyCode) => {
          const done = await replay(tx, requestId, args.memberId, 'removed');
          if (done) return { removed: true, eventId: done.event.id, refusal: null };
          const [row, history] = await readMember(tx, args.memberId);
          const standing = scoreRemovalStanding(history, args.applicationNo);
          if (standing >= 0) return { removed: true, eventId: history[standing]!.id.toString(), refusal: null };
          const now = new Date();
          const transition = applyPoolEvent(memberState(row, history), { kind: 'removed', removalKind: 'score' }, now);
          const meta = {
            reason: `案件 ${args.applicationNo} 质量评估 ${args.score} 分，${threshold} 分以下，移出人员库（S-2.8(a)）`,
            actor: args.actor ?? 'system',
            applicationNo: args.applicationNo,
            requestId,
          };
          const change = await write(tx, { id: args.memberId, agencyCode }, transition, meta, now);
          return { removed: true, eventId: change.event.id, refusal: null };
        });
      } catch (err) {
        if (err instanceof PoolRuleError || err instanceof PoolLookupError) {
          return { removed: false, eventId: null, refusal: err.code };
        }
        throw err;
      }
    },

    /**
     * S-4.4 / S-2.8(a): the case's score was raised above 65 (expert re-review, objection), so the removal it caused
     * is reversed (domain/pool.ts `reverseScoreRemoval`): the member returns at once (active, or suspended while an
     * S-2.8(b) period runs), or stays removed while another case's removal holds. Nothing to reverse (not removed for
     * this case, unknown member, key reused): `reversed: false`, never a thrown refusal. Idempotent by `requestId`.
     * `impactTimer`: the member is suspended again and `poolImpactWorkflow` must be started for this event (the
     * caller does it, as the API does for a suspension; starting it is idempotent).
     */
    async reverseScoreRemoval(args: {
      memberId: string;
      applicationNo: string;
      actor: string;
      requestId: string;
      reason?: string;
    }): Promise<{ reversed: boolean; eventId: string | null; impactTimer: PoolChange['impactTimer'] }> {
      const none = { reversed: false, eventId: null, impactTimer: null };
      const requestId = keyed('removal-reversed:', args.requestId);
      try {
        return await inAgencyLock(args.memberId, async (tx, agencyCode) => {
          const done = await replay(tx, requestId, args.memberId, 'removal_reversed');
          if (done) return { reversed: true, eventId: done.event.id, impactTimer: done.impactTimer };
          const [row, history] = await readMember(tx, args.memberId);
          const now = new Date();
          const transition = reverseScoreRemoval(memberState(row, history), history, args.applicationNo, now);
          if (!transition) return none;
          const meta = {
            reason:
              args.reason ?? `案件 ${args.applicationNo} 评分更正为 65 分以上，撤销因该案移出人员库（S-4.4、S-2.8(a)）`,
            actor: args.actor,
            applicationNo: args.applicationNo,
            requestId,
          };
          const change = await write(tx, { id: args.memberId, agencyCode }, transition, meta, now);
          return { reversed: true, eventId: change.event.id, impactTimer: change.impactTimer };
        });
      } catch (err) {
        if (err instanceof PoolLookupError) return none;
        throw err;
      }
    },
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;
