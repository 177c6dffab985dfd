/**
 * S-2.9(g) excellent ratings (省、市评为优秀) of pool members and institutions: recorded by the agency or the city
 * centre, dated, with the awarding document, and only ever added. Each rating adds one to the subject's
 * `excellent_ratings` in the same transaction, which the rotation (activities/rotation.ts) reads for the weight
 * (domain/rotation.ts `weight`). Idempotent by request id: a repeat is answered with the rating already recorded.
 */
import { RATING_LEVELS, type RatingLevel } from '../domain/pool';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { PoolLookupError } from './pool';
import { dateColumn } from './quality';

export interface ExcellentRatingView {
  id: string;
  subjectKind: 'member' | 'institution';
  memberId: string | null;
  institutionId: string;
  agencyCode: string;
  level: RatingLevel;
  levelLabel: string;
  ratedOn: string;
  basis: string;
  recordedBy: string;
  recordedAt: string;
}

type RatingRow = Prisma.ExcellentRatingGetPayload<object>;

const view = (r: RatingRow): ExcellentRatingView => ({
  id: r.id.toString(),
  subjectKind: r.subjectKind as ExcellentRatingView['subjectKind'],
  memberId: r.memberId,
  institutionId: r.institutionId,
  agencyCode: r.agencyCode,
  level: r.level as RatingLevel,
  levelLabel: RATING_LEVELS[r.level as RatingLevel] ?? r.level,
  ratedOn: r.ratedOn.toISOString().slice(0, 10),
  basis: r.basis,
  recordedBy: r.recordedBy,
  recordedAt: r.recordedAt.toISOString(),
});

/** The subject of a rating: a member (with its institution) or an institution, with the agency it belongs to. */
export interface RatingSubject {
  kind: 'member' | 'institution';
  id: string;
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown }).code === 'P2002';

export function createExcellentRatingRepository({ prisma }: { prisma: PrismaClient }) {
  /** The subject's institution and agency; 404 when unknown. */
  async function subjectScope(s: RatingSubject): Promise<{ institutionId: string; agencyCode: string }> {
    if (s.kind === 'member') {
      const m = await prisma.poolMember.findUnique({ where: { id: s.id }, include: { institution: true } });
      if (!m) throw new PoolLookupError('POOL_MEMBER_NOT_FOUND', `法律援助人员库中没有编号为 ${s.id} 的人员`);
      return { institutionId: m.institutionId, agencyCode: m.institution.agencyCode };
    }
    const i = await prisma.poolInstitution.findUnique({ where: { id: s.id } });
    if (!i) throw new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', `没有编号为 ${s.id} 的法律服务机构`);
    return { institutionId: i.id, agencyCode: i.agencyCode };
  }

  return {
    subjectScope,

    /** Records one rating and counts it for the subject (one transaction); the same request id again is answered. */
    async record(args: {
      subject: RatingSubject;
      level: RatingLevel;
      ratedOn: string;
      basis: string;
      recordedBy: string;
      requestId: string;
    }): Promise<{ rating: ExcellentRatingView; replayed: boolean }> {
      const done = await prisma.excellentRating.findUnique({ where: { requestId: args.requestId } });
      if (done) return { rating: view(done), replayed: true };
      const scope = await subjectScope(args.subject);
      try {
        const rating = await prisma.$transaction(async (tx) => {
          const row = await tx.excellentRating.create({
            data: {
              subjectKind: args.subject.kind,
              memberId: args.subject.kind === 'member' ? args.subject.id : null,
              institutionId: scope.institutionId,
              agencyCode: scope.agencyCode,
              level: args.level,
              ratedOn: dateColumn(args.ratedOn),
              basis: args.basis,
              recordedBy: args.recordedBy,
              requestId: args.requestId,
            },
          });
          const count = { excellentRatings: { increment: 1 } };
          if (args.subject.kind === 'member')
            await tx.poolMember.update({ where: { id: args.subject.id }, data: count });
          else await tx.poolInstitution.update({ where: { id: args.subject.id }, data: count });
          return row;
        });
        return { rating: view(rating), replayed: false };
      } catch (err) {
        // A concurrent repeat of the same request won the race: answer it.
        if (!isUniqueViolation(err)) throw err;
        const row = await prisma.excellentRating.findUniqueOrThrow({ where: { requestId: args.requestId } });
        return { rating: view(row), replayed: true };
      }
    },

    /** Ratings of an agency, a member or an institution (the institution's own and its members'), newest first. */
    async list(f: { agencyCode?: string; memberId?: string; institutionId?: string }): Promise<ExcellentRatingView[]> {
      const rows = await prisma.excellentRating.findMany({
        where: { agencyCode: f.agencyCode, memberId: f.memberId, institutionId: f.institutionId },
        orderBy: [{ ratedOn: 'desc' }, { id: 'desc' }],
        take: 500,
      });
      return rows.map(view);
    },
  };
}
