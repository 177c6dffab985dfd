import { hotlineCallWorkflowId, type HotlineCallState } from '../domain/definitions';
import { cstDateOf } from '../domain/time';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { recordedTx, type StoredAnswer } from './step-answers';
import { queueNoticesTx, type NoticeChannels, type NoticeRequest } from './notifications';
import { dutyFeeFor } from '../repositories/payout';

/**
 * The stored record of hotline calls (S-2.4, S-2.7) and the duty credit of answered calls (S-2.5). Every write is
 * idempotent: the call row carries the workflow's `seq` (a late retry never overwrites a newer state), and a call is
 * credited once (`duty_credit_call.call_id`).
 */
export function createHotlineActivities({ prisma, ...channels }: { prisma: PrismaClient } & NoticeChannels) {
  return {
    /** One batch of the call's recorder: its state and its notices (staff inboxes), in one transaction. */
    async recordCall({
      state,
      notices = [],
      answers,
    }: {
      state: HotlineCallState;
      notices?: NoticeRequest[];
      answers?: StoredAnswer[];
    }): Promise<string[]> {
      const columns = {
        agencyCode: state.agencyCode,
        channel: state.channel,
        receivedAt: new Date(state.receivedAt),
        dueAt: new Date(state.dueAt),
        status: state.status,
        claimedBy: state.claim?.officerId ?? null,
        answeredBy: state.answer?.officerId ?? null,
        answeredAt: state.answer ? new Date(state.answer.at) : null,
        breached: state.breach !== undefined,
        outcome: state.outcome?.kind ?? null,
        applicationNo: state.outcome?.applicationNo ?? null,
        state: JSON.parse(JSON.stringify(state)) as Prisma.InputJsonValue,
        stateSeq: state.seq,
      };
      return prisma.$transaction(async (tx) => {
        await tx.hotlineCall.createMany({ data: [{ id: state.callId, ...columns }], skipDuplicates: true });
        await tx.hotlineCall.updateMany({ where: { id: state.callId, stateSeq: { lt: state.seq } }, data: columns });
        await recordedTx(tx, hotlineCallWorkflowId(state.callId), answers);
        return queueNoticesTx(tx, notices, channels);
      });
    },

    /**
     * S-2.5: counts an answered call for its officer; every `callsPerDutyDay`-th call credits a duty day, recorded as
     * public-service time and paid one day's basic labour fee at coefficient 1.0 (a fee schedule row `any` / `duty_day`, never a case fee).
     * Exactly once per call, under the officer's row lock.
     */
    async creditDutyCall(args: {
      callId: string;
      officerId: string;
      agencyCode: string;
      callsPerDutyDay: number;
    }): Promise<{ ordinal: number; dutyDay: boolean }> {
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO duty_credit (officer_id, agency_code, updated_at)
          VALUES (${args.officerId}, ${args.agencyCode}, now()) ON CONFLICT DO NOTHING`;
        await tx.$queryRaw`SELECT officer_id FROM duty_credit
          WHERE officer_id = ${args.officerId} AND agency_code = ${args.agencyCode} FOR UPDATE`;
        const done = await tx.dutyCreditCall.findUnique({ where: { callId: args.callId } });
        if (done) return { ordinal: done.ordinal, dutyDay: done.ordinal % args.callsPerDutyDay === 0 };
        const credit = await tx.dutyCredit.update({
          where: { officerId_agencyCode: { officerId: args.officerId, agencyCode: args.agencyCode } },
          data: { answeredCalls: { increment: 1 } },
        });
        const ordinal = credit.answeredCalls;
        await tx.dutyCreditCall.create({
          data: { callId: args.callId, officerId: args.officerId, agencyCode: args.agencyCode, ordinal },
        });
        const dutyDay = ordinal % args.callsPerDutyDay === 0;
        if (dutyDay) {
          const day = ordinal / args.callsPerDutyDay;
          await tx.dutyCredit.update({
            where: { officerId_agencyCode: { officerId: args.officerId, agencyCode: args.agencyCode } },
            data: { dutyDays: day },
          });
          const fee = await dutyFeeFor(tx, { agencyCode: args.agencyCode, on: cstDateOf(new Date()) });
          // One day's basic labour fee at coefficient 1.0; without a configured fee the day is still credited and
          // the agency pays it when it sets the fee (the duty days are in duty_credit).
          if (fee) {
            await tx.payoutLine.create({
              data: {
                applicationNo: `DUTY-${args.callId}`.slice(0, 32),
                agencyCode: args.agencyCode,
                memberId: args.officerId,
                institutionId: '',
                kind: 'duty',
                tier: null,
                coefficient: 1,
                baseFeeCents: fee.amountCents,
                amountCents: fee.amountCents,
                feeScheduleId: BigInt(fee.id),
                scoreVersion: day,
                reason: `在线值班满 ${args.callsPerDutyDay} 件计 1 个工作日（第 ${day} 日，S-2.5）`,
                idempotencyKey: `duty:${args.agencyCode}:${args.officerId}:day${day}`,
              },
            });
          }
        }
        return { ordinal, dutyDay };
      });
    },
  };
}
