import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES } from '../domain/definitions';
import {
  pick,
  RotationError,
  rotationOrder,
  type PickRequest,
  type PoolMember,
  type RotationConfig,
  type Turns,
} from '../domain/rotation';
import type { PrismaClient } from '../prisma/generated/client';
import { lockAgency } from '../repositories/pool';

export interface RotationPick {
  agencyCode: string;
  seq: number;
  applicationNo: string;
  purpose: string;
  next: string | null;
  chosen: string;
  rule: string;
  turn: string;
  skipped: Array<{ memberId: string; reason: string }>;
  institutionId: string | null;
  reason: string | null;
  releasedId: string | null;
  releasedTurn: string | null;
}

export interface CasePick extends RotationPick {
  institutionName: string;
}

/**
 * S-2.9 rotation against the stored pool. Correct under concurrency by a single writer per agency: each pick runs in
 * one transaction that first locks the agency's `rotation_state` row (SELECT ... FOR UPDATE), then reads the pool and
 * the turns, picks (domain/rotation.ts), bumps the turn and appends the ledger entry with the next sequence number.
 * Picks for one agency are therefore strictly one after another: no two cases get the same turn, no turn is skipped,
 * and a member whose removal committed before the pick is not chosen (status changes take the same lock).
 * Other agencies are not blocked. A repeated pick for the same case and purpose returns the entry already written.
 */
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function nextSeq(tx: Tx, agencyCode: string): Promise<number> {
  const state = await tx.rotationState.update({ where: { agencyCode }, data: { ledgerSeq: { increment: 1 } } });
  return state.ledgerSeq;
}

async function loadPool(tx: Tx, agencyCode: string) {
  const institutions = await tx.poolInstitution.findMany({
    where: { agencyCode },
    orderBy: { listOrder: 'asc' },
    include: { members: { orderBy: { id: 'asc' } } },
  });
  const members: PoolMember[] = institutions.flatMap((i) =>
    i.members.map((m) => ({
      ...m,
      status: m.status as PoolMember['status'],
      institutionKind: i.kind as PoolMember['institutionKind'],
      institutionExcellentRatings: i.excellentRatings,
    })),
  );
  const turns: Turns = Object.fromEntries(institutions.flatMap((i) => i.members.map((m) => [m.id, m.turns])));
  return { institutions, members, turns };
}

const refuse = (message: string) =>
  ApplicationFailure.create({ type: ERROR_TYPES.unassignable, message, nonRetryable: true });

/** One pick under the lock already held (`lockAgency`): the pure rule, the turn, the ledger entry. */
export async function pickLocked(
  tx: Tx,
  args: { agencyCode: string; applicationNo: string; purpose: string; request: PickRequest; reason?: string },
  config: RotationConfig | undefined,
): Promise<RotationPick> {
  const done = await tx.rotationLedger.findUnique({
    where: { applicationNo_purpose: { applicationNo: args.applicationNo, purpose: args.purpose } },
  });
  if (done) return view(done);
  const { institutions, members, turns } = await loadPool(tx, args.agencyCode);
  let picked: ReturnType<typeof pick>;
  try {
    picked = pick(rotationOrder(institutions, members), members, turns, args.request, config);
  } catch (err) {
    if (err instanceof RotationError) throw refuse(err.message);
    throw err;
  }
  const { entry, turns: after } = picked;
  if (after[entry.chosen] !== turns[entry.chosen]) {
    await tx.poolMember.update({ where: { id: entry.chosen }, data: { turns: { increment: 1 } } });
  }
  const row = await tx.rotationLedger.create({
    data: {
      agencyCode: args.agencyCode,
      seq: await nextSeq(tx, args.agencyCode),
      applicationNo: args.applicationNo,
      purpose: args.purpose,
      nextMemberId: entry.next,
      chosenId: entry.chosen,
      institutionId: members.find((m) => m.id === entry.chosen)!.institutionId,
      rule: entry.rule,
      turn: entry.turn,
      skipped: entry.skipped,
      reason: args.reason ?? null,
    },
  });
  return view(row);
}

/**
 * Releases a member from a case (S-2.10 conflict or inability, L-11 replacement, or an S-2.10 confirmation naming
 * someone else) as a ledger entry of its own. `refund` gives back a turn the released pick consumed, so a member who
 * never handled the case keeps their place; a replaced member (L-11) did handle it and keeps the turn used.
 */
async function releaseLocked(
  tx: Tx,
  args: {
    agencyCode: string;
    applicationNo: string;
    purpose: string;
    releasedPurpose: string;
    rule: string;
    refund: boolean;
    reason: string;
  },
): Promise<RotationPick> {
  const done = await tx.rotationLedger.findUnique({
    where: { applicationNo_purpose: { applicationNo: args.applicationNo, purpose: args.purpose } },
  });
  if (done) return view(done);
  const released = await tx.rotationLedger.findUnique({
    where: { applicationNo_purpose: { applicationNo: args.applicationNo, purpose: args.releasedPurpose } },
  });
  if (!released) throw refuse(`没有找到要解除的指派记录（${args.releasedPurpose}）`);
  const refunded = args.refund && released.turn === 'consumed';
  if (refunded) {
    await tx.$executeRaw`UPDATE pool_member SET turns = GREATEST(turns - 1, 0) WHERE id = ${released.chosenId}`;
  }
  const row = await tx.rotationLedger.create({
    data: {
      agencyCode: args.agencyCode,
      seq: await nextSeq(tx, args.agencyCode),
      applicationNo: args.applicationNo,
      purpose: args.purpose,
      nextMemberId: null,
      chosenId: released.chosenId,
      institutionId: released.institutionId,
      rule: args.rule,
      turn: refunded ? 'refunded' : 'kept',
      skipped: [],
      reason: args.reason,
      releasedId: released.chosenId,
      releasedTurn: refunded ? 'refunded' : 'kept',
    },
  });
  return view(row);
}

/**
 * S-2.9 rotation against the stored pool. Correct under concurrency by a single writer per agency: each pick runs in
 * one transaction that first locks the agency's `rotation_state` row (SELECT ... FOR UPDATE), then reads the pool and
 * the turns, picks (domain/rotation.ts), bumps the turn and appends the ledger entry with the next sequence number.
 * Picks for one agency are therefore strictly one after another: no two cases get the same turn, no turn is skipped,
 * and a member whose removal committed before the pick is not chosen (status changes take the same lock).
 * Other agencies are not blocked. A repeated pick for the same case and purpose returns the entry already written.
 */
export function createRotationActivities({ prisma, config }: { prisma: PrismaClient; config?: RotationConfig }) {
  const locked = <T>(agencyCode: string, body: (tx: Tx) => Promise<T>): Promise<T> =>
    // Picks of one agency queue behind its lock.
    prisma.$transaction(
      async (tx) => {
        await lockAgency(tx, agencyCode);
        return body(tx);
      },
      { maxWait: 60_000, timeout: 60_000 },
    );
  const withInstitution = async (picks: RotationPick[]): Promise<CasePick[]> => {
    const ids = [...new Set(picks.map((p) => p.institutionId).filter((id): id is string => id !== null))];
    const rows = await prisma.poolInstitution.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true },
    });
    const names = new Map(rows.map((r) => [r.id, r.name]));
    return picks.map((p) => ({ ...p, institutionName: names.get(p.institutionId ?? '') ?? '' }));
  };

  return {
    /**
     * S-2.9, S-3.3: the picks one case needs (one per purpose: several for a group case), in one transaction, each
     * excluding the members already chosen. A group case gets as many as are eligible; none eligible is a refusal.
     */
    async pickForCase(args: {
      agencyCode: string;
      applicationNo: string;
      purposes: string[];
      request: PickRequest;
      rotation?: RotationConfig;
      reason?: string;
    }): Promise<CasePick[]> {
      const picks = await locked(args.agencyCode, async (tx) => {
        const out: RotationPick[] = [];
        for (const [i, purpose] of args.purposes.entries()) {
          const request: PickRequest = {
            ...args.request,
            ...(i > 0 ? { priority: undefined } : {}),
            alreadyChosen: [...(args.request.alreadyChosen ?? []), ...out.map((p) => p.chosen)],
          };
          try {
            out.push(await pickLocked(tx, { ...args, purpose, request }, args.rotation ?? config));
          } catch (err) {
            if (i > 0 && err instanceof ApplicationFailure) break; // fewer eligible than a group case asks for
            throw err;
          }
        }
        return out;
      });
      return withInstitution(picks);
    },

    /** S-2.10, L-11: releases a member from the case (see releaseLocked). */
    async releaseFromCase(args: {
      agencyCode: string;
      applicationNo: string;
      purpose: string;
      releasedPurpose: string;
      rule: string;
      refund: boolean;
      reason: string;
    }): Promise<RotationPick> {
      return locked(args.agencyCode, (tx) => releaseLocked(tx, args));
    },

    /**
     * S-2.10: the institution names another of its members than the one whose turn it was. In one transaction: the
     * proposed member is released with the turn refunded, and the named member takes the case, turn deducted.
     */
    async confirmOtherMember(args: {
      agencyCode: string;
      applicationNo: string;
      releasePurpose: string;
      purpose: string;
      slotPurpose: string;
      memberId: string;
      request: PickRequest;
    }): Promise<CasePick> {
      const picked = await locked(args.agencyCode, async (tx) => {
        const slot = await tx.rotationLedger.findUnique({
          where: { applicationNo_purpose: { applicationNo: args.applicationNo, purpose: args.slotPurpose } },
        });
        const member = await tx.poolMember.findUnique({ where: { id: args.memberId } });
        if (!slot || !member || member.institutionId !== slot.institutionId) {
          throw refuse(`${args.memberId} 不是受指派机构的法律援助人员（S-2.10）`);
        }
        await releaseLocked(tx, {
          ...args,
          purpose: args.releasePurpose,
          releasedPurpose: args.slotPurpose,
          rule: 'S-2.10',
          refund: true,
          reason: '受指派机构确认由本机构其他人员承办，原轮次退还（S-2.10）',
        });
        return pickLocked(
          tx,
          {
            ...args,
            request: { ...args.request, priority: { rule: 'S-2.10', memberId: args.memberId } },
            reason: `受指派机构确认承办人员，替代 ${slot.chosenId}（S-2.10）`,
          },
          config,
        );
      });
      return (await withInstitution([picked]))[0]!;
    },

    /** S-2.9(b): the member confirmed on the same case's earlier stage, if any. */
    async earlierStageMember({
      applicationNo,
      laterApplicationNo,
    }: {
      applicationNo: string;
      /** The later stage's application: the earlier one must be of the same aided person and agency. */
      laterApplicationNo?: string;
    }): Promise<string | null> {
      const row = await prisma.application.findUnique({
        where: { applicationNo },
        select: { assignedMemberIds: true, agencyCode: true, applicant: true },
      });
      if (!row) return null;
      if (laterApplicationNo) {
        const later = await prisma.application.findUnique({
          where: { applicationNo: laterApplicationNo },
          select: { agencyCode: true, applicant: true },
        });
        const idOf = (applicant: unknown) => (applicant as { idNumber?: string } | null)?.idNumber;
        // S-2.9(b) is for the same aided person's same case: another person's or agency's case gives no priority.
        if (!later || later.agencyCode !== row.agencyCode || idOf(later.applicant) !== idOf(row.applicant)) return null;
      }
      return row.assignedMemberIds[0] ?? null;
    },
  };
}

function view(row: {
  agencyCode: string;
  seq: number;
  applicationNo: string;
  purpose: string;
  nextMemberId: string | null;
  chosenId: string;
  rule: string;
  turn: string;
  skipped: unknown;
  institutionId: string | null;
  reason: string | null;
  releasedId: string | null;
  releasedTurn: string | null;
}): RotationPick {
  return {
    agencyCode: row.agencyCode,
    seq: row.seq,
    applicationNo: row.applicationNo,
    purpose: row.purpose,
    next: row.nextMemberId,
    chosen: row.chosenId,
    rule: row.rule,
    turn: row.turn,
    skipped: row.skipped as RotationPick['skipped'],
    institutionId: row.institutionId,
    reason: row.reason,
    releasedId: row.releasedId,
    releasedTurn: row.releasedTurn,
  };
}
