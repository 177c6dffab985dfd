import { pick, rotationOrder, type PickRequest, type PoolMember, type RotationConfig } from '../domain/rotation';
import type { PrismaClient } from '../prisma/generated/client';

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
  return {
    async assignByRotation(args: {
      agencyCode: string;
      applicationNo: string;
      purpose: string;
      request: PickRequest;
    }): Promise<RotationPick> {
      return prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`INSERT INTO rotation_state (agency_code) VALUES (${args.agencyCode}) ON CONFLICT DO NOTHING`;
          await tx.$queryRaw`SELECT agency_code FROM rotation_state WHERE agency_code = ${args.agencyCode} FOR UPDATE`;
          const done = await tx.rotationLedger.findUnique({
            where: { applicationNo_purpose: { applicationNo: args.applicationNo, purpose: args.purpose } },
          });
          if (done) return view(done);

          const institutions = await tx.poolInstitution.findMany({
            where: { agencyCode: args.agencyCode },
            orderBy: { listOrder: 'asc' },
            include: { members: { orderBy: { id: 'asc' } } },
          });
          const members: PoolMember[] = institutions.flatMap((i) =>
            i.members.map((m) => ({ ...m, status: m.status as PoolMember['status'] })),
          );
          const turns = Object.fromEntries(institutions.flatMap((i) => i.members.map((m) => [m.id, m.turns])));
          const { entry, turns: after } = pick(
            rotationOrder(institutions, members),
            members,
            turns,
            args.request,
            config,
          );
          if (after[entry.chosen] !== turns[entry.chosen]) {
            await tx.poolMember.update({ where: { id: entry.chosen }, data: { turns: { increment: 1 } } });
          }
          const state = await tx.rotationState.update({
            where: { agencyCode: args.agencyCode },
            data: { ledgerSeq: { increment: 1 } },
          });
          const row = await tx.rotationLedger.create({
            data: {
              agencyCode: args.agencyCode,
              seq: state.ledgerSeq,
              applicationNo: args.applicationNo,
              purpose: args.purpose,
              nextMemberId: entry.next,
              chosenId: entry.chosen,
              rule: entry.rule,
              turn: entry.turn,
              skipped: entry.skipped,
            },
          });
          return view(row);
        },
        { maxWait: 60_000, timeout: 60_000 },
      ); // picks of one agency queue behind its lock
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
  };
}
