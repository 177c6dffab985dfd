/**
 * The API's data access for complaints (L-13): the intake row (idempotent by the filer's key), who is complained
 * about, lists and figures. The complaint's workflow writes the rest of the row (activities/complaints.ts).
 */
import type { ComplaintRespondent } from '../domain/definitions';
import { ComplaintRuleError } from '../domain/complaints';
import { DomainError } from '../domain/errors';
import type { Prisma, PrismaClient } from '../prisma/generated/client';

export type ComplaintRow = Prisma.ComplaintGetPayload<object>;
export type NewComplaint = Omit<Prisma.ComplaintUncheckedCreateInput, 'createdAt' | 'updatedAt'>;

export function createComplaintRepository({ prisma }: { prisma: PrismaClient }) {
  return {
    /**
     * Writes the intake row once per idempotency key: the same key with the same request answers the first row; with
     * another request it is refused (422).
     */
    async file(row: NewComplaint): Promise<{ row: ComplaintRow; replayed: boolean }> {
      const { count } = await prisma.complaint.createMany({ data: [row], skipDuplicates: true });
      const stored = await prisma.complaint.findUniqueOrThrow({ where: { idempotencyKey: row.idempotencyKey } });
      if (stored.requestHash !== row.requestHash) {
        throw new DomainError('refused', 'IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一件不同的投诉，请换用新的幂等键');
      }
      return { row: stored, replayed: count === 0 };
    },

    find(id: string): Promise<ComplaintRow | null> {
      return prisma.complaint.findUnique({ where: { id } });
    },

    /** Whom the complaint is about, with the member's institution and the pool's agency; refused if unknown. */
    async respondent(kind: ComplaintRespondent['kind'], id: string, agencyCode: string): Promise<ComplaintRespondent> {
      const unknown = () => new ComplaintRuleError('COMPLAINT_RESPONDENT_NOT_FOUND', '被投诉的机构或人员不存在');
      if (kind === 'agency') {
        if (id !== agencyCode)
          throw new ComplaintRuleError('COMPLAINT_AGENCY_MISMATCH', '投诉法律援助机构的，由该机构所在地受理');
        return { kind, id, agencyCode };
      }
      if (kind === 'institution') {
        const inst = await prisma.poolInstitution.findUnique({ where: { id } });
        if (!inst) throw unknown();
        return { kind, id, institutionId: id, agencyCode: inst.agencyCode };
      }
      const member = await prisma.poolMember.findUnique({ where: { id }, include: { institution: true } });
      if (!member) throw unknown();
      return { kind, id, institutionId: member.institutionId, agencyCode: member.institution.agencyCode };
    },

    list(where: Prisma.ComplaintWhereInput, take: number): Promise<ComplaintRow[]> {
      return prisma.complaint.findMany({ where, orderBy: [{ acceptDueAt: 'asc' }, { id: 'asc' }], take });
    },

    /** Counts only (L-15): no names, no facts. */
    async figures(where: Prisma.ComplaintWhereInput) {
      const rows = await prisma.complaint.findMany({
        where,
        select: {
          agencyCode: true,
          institutionId: true,
          ground: true,
          status: true,
          outcome: true,
          escalated: true,
          receivedAt: true,
          acceptedAt: true,
          closedAt: true,
          decidedAt: true,
          state: true,
        },
      });
      return rows;
    },
  };
}

export type ComplaintRepository = ReturnType<typeof createComplaintRepository>;
