/**
 * Village and community service points (S-2.1-S-2.3) and training records (S-2.2, S-2.6), stored.
 *
 * `createVillageRepository` is what the API reads and writes directly (synchronous staff and agent actions): points
 * and their people, paper materials forwarded and received, home visits, the field-check tasks of a point's people,
 * training records, and `isTrainedFor`, which filing for others (`agent_filing`) and the hotline duty claim
 * (`hotline_duty`) check. Ids, dates and codes only: no applicant data.
 */
import { isTrained, type TrainingFact, type TrainingKind } from '../domain/training';
import { cstDateOf, type CstDate } from '../domain/time';
import { checkVisitStep, cstYearBounds, daysOutstanding, type ForwardTarget, type PointRole } from '../domain/village';
import type { VerificationState } from '../domain/definitions';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import { DomainError, lookupKind } from '../domain/errors';

export type VillageLookupCode =
  | 'SERVICE_POINT_NOT_FOUND'
  | 'SERVICE_POINT_EXISTS'
  | 'PAPER_FORWARDING_NOT_FOUND'
  | 'HOME_VISIT_NOT_FOUND'
  | 'HOME_VISIT_VISITOR_NOT_AT_POINT'
  | 'HOME_VISIT_NOT_SCHEDULED'
  | 'IDEMPOTENCY_KEY_REUSED';

/** Not found, a conflict, or a step the data does not allow: the API maps these to 404 / 409 / 422. */
export class VillageLookupError extends DomainError {
  constructor(code: VillageLookupCode, message: string) {
    super(lookupKind(code), code, message);
  }
}

const dateOf = (d: Date): CstDate => d.toISOString().slice(0, 10); // @db.Date columns come back at 00:00 UTC
const dateColumn = (d: CstDate) => new Date(`${d}T00:00:00.000Z`);
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';

type ForwardingRow = Prisma.PaperForwardingGetPayload<object>;
type VisitRow = Prisma.HomeVisitGetPayload<object>;
type TrainingRow = Prisma.TrainingRecordGetPayload<object>;

export const forwardingView = (f: ForwardingRow, now = new Date()) => ({
  id: f.id.toString(),
  applicationNo: f.applicationNo,
  servicePointId: f.servicePointId,
  forwardedBy: f.forwardedBy,
  forwardedTo: f.forwardedTo,
  items: f.items,
  forwardedAt: f.forwardedAt.toISOString(),
  receivedBy: f.receivedBy,
  receivedAt: f.receivedAt?.toISOString() ?? null,
  outstanding: f.receivedAt === null,
  // S-2.2: tracked until received; China calendar days.
  daysOutstanding: daysOutstanding(f.forwardedAt, f.receivedAt ?? now),
});

const visitView = (v: VisitRow) => ({
  id: v.id.toString(),
  servicePointId: v.servicePointId,
  applicationNo: v.applicationNo,
  status: v.status,
  requestedBy: v.requestedBy,
  visitorId: v.visitorId,
  scheduledFor: v.scheduledFor?.toISOString() ?? null,
  doneAt: v.doneAt?.toISOString() ?? null,
  note: v.note,
  createdAt: v.createdAt.toISOString(),
});

const trainingView = (t: TrainingRow) => ({
  id: t.id.toString(),
  personId: t.personId,
  kind: t.kind,
  course: t.course,
  completedOn: dateOf(t.completedOn),
  validUntil: t.validUntil ? dateOf(t.validUntil) : null,
  recordedBy: t.recordedBy,
  createdAt: t.createdAt.toISOString(),
});

const trainingFact = (t: TrainingRow): TrainingFact => ({
  kind: t.kind,
  completedOn: dateOf(t.completedOn),
  validUntil: t.validUntil ? dateOf(t.validUntil) : null,
});

/** `on` as a China date: a `YYYY-MM-DD` is taken as is, an instant by its China calendar day. */
const chinaDay = (on: string): CstDate => (/^\d{4}-\d{2}-\d{2}$/.test(on) ? on : cstDateOf(new Date(on)));

export function createVillageRepository({ prisma }: { prisma: PrismaClient }) {
  /** Ids of every person at a service point where `personId` is (themselves included when they are at one). */
  async function colleaguesOf(personId: string): Promise<string[]> {
    const mine = await prisma.servicePointPerson.findMany({ where: { personId }, select: { servicePointId: true } });
    if (mine.length === 0) return [];
    const all = await prisma.servicePointPerson.findMany({
      where: { servicePointId: { in: mine.map((m) => m.servicePointId) } },
      select: { personId: true },
    });
    return [...new Set(all.map((p) => p.personId))];
  }

  async function point(id: string) {
    return prisma.servicePoint.findUnique({ where: { id }, include: { people: { orderBy: { personId: 'asc' } } } });
  }

  async function visitRow(servicePointId: string, visitId: string): Promise<VisitRow> {
    const row = /^\d{1,18}$/.test(visitId)
      ? await prisma.homeVisit.findUnique({ where: { id: BigInt(visitId) } })
      : null;
    if (!row || row.servicePointId !== servicePointId) {
      throw new VillageLookupError('HOME_VISIT_NOT_FOUND', `该服务点没有编号为 ${visitId} 的上门服务记录`);
    }
    return row;
  }

  return {
    colleaguesOf,
    point,

    /** S-2.1: registers a point; the same id with the same content again answers it (replayed), other content 409. */
    async registerPoint(input: { id: string; agencyCode: string; name: string; township: string }) {
      const existing = await prisma.servicePoint.findUnique({ where: { id: input.id } });
      if (existing) {
        const same =
          existing.agencyCode === input.agencyCode &&
          existing.name === input.name &&
          existing.township === input.township;
        if (!same) throw new VillageLookupError('SERVICE_POINT_EXISTS', `服务点编号 ${input.id} 已被登记`);
        return { point: existing, replayed: true };
      }
      try {
        return { point: await prisma.servicePoint.create({ data: input }), replayed: false };
      } catch (err) {
        // A concurrent registration of the same id won: answer with it.
        if (isUniqueViolation(err))
          return { point: await prisma.servicePoint.findUniqueOrThrow({ where: { id: input.id } }), replayed: true };
        throw err;
      }
    },

    /** S-2.1: a person joins the point in a role; the same person again takes the new role (replayed when unchanged). */
    async addPerson(input: { servicePointId: string; personId: string; role: PointRole }) {
      const key = { servicePointId_personId: { servicePointId: input.servicePointId, personId: input.personId } };
      const existing = await prisma.servicePointPerson.findUnique({ where: key });
      if (existing?.role === input.role) return { person: existing, replayed: true };
      const person = await prisma.servicePointPerson.upsert({
        where: key,
        create: input,
        update: { role: input.role },
      });
      return { person, replayed: false };
    },

    async listPoints(filter: { agencyCode?: string; personId?: string }) {
      return prisma.servicePoint.findMany({
        where: {
          agencyCode: filter.agencyCode,
          people: filter.personId ? { some: { personId: filter.personId } } : undefined,
        },
        include: { people: { orderBy: { personId: 'asc' } } },
        orderBy: { id: 'asc' },
      });
    },

    /**
     * One point with its people, its paper materials not yet received, its home visits, and each advisor's done
     * visits in the China year (S-2.3: counted by visitor, wherever the visit was made).
     */
    async pointDetail(id: string, year: number, now = new Date()) {
      const found = await point(id);
      if (!found) return null;
      const { from, to } = cstYearBounds(year);
      const advisors = found.people.filter((p) => p.role === 'advisor').map((p) => p.personId);
      const [forwardings, visits, counts] = await Promise.all([
        prisma.paperForwarding.findMany({ where: { servicePointId: id, receivedAt: null }, orderBy: { id: 'asc' } }),
        prisma.homeVisit.findMany({ where: { servicePointId: id }, orderBy: { id: 'desc' }, take: 200 }),
        prisma.homeVisit.groupBy({
          by: ['visitorId'],
          where: { visitorId: { in: advisors }, status: 'done', doneAt: { gte: from, lt: to } },
          _count: { _all: true },
        }),
      ]);
      return {
        point: { id: found.id, agencyCode: found.agencyCode, name: found.name, township: found.township },
        people: found.people.map((p) => ({ personId: p.personId, role: p.role, since: p.since.toISOString() })),
        openPaperForwardings: forwardings.map((f) => forwardingView(f, now)),
        homeVisits: visits.map(visitView),
        advisorVisits: {
          year,
          advisors: advisors.map((personId) => ({
            personId,
            visits: counts.find((c) => c.visitorId === personId)?._count._all ?? 0,
          })),
        },
      };
    },

    /** S-2.2: paper materials forwarded; idempotent by request id (the same request again answers the first row). */
    async forwardPaper(input: {
      applicationNo: string;
      servicePointId: string | null;
      forwardedBy: string;
      forwardedTo: ForwardTarget;
      items: string[];
      requestId: string;
    }): Promise<{ forwarding: ReturnType<typeof forwardingView>; replayed: boolean }> {
      const existing = await prisma.paperForwarding.findUnique({ where: { requestId: input.requestId } });
      if (existing) {
        const same =
          existing.applicationNo === input.applicationNo &&
          existing.forwardedTo === input.forwardedTo &&
          existing.items.join(',') === input.items.join(',');
        if (!same) {
          throw new VillageLookupError(
            'IDEMPOTENCY_KEY_REUSED',
            '该幂等键已用于另一次不同的材料转交，请换用新的幂等键',
          );
        }
        return { forwarding: forwardingView(existing), replayed: true };
      }
      try {
        const row = await prisma.paperForwarding.create({ data: { ...input, forwardedAt: new Date() } });
        return { forwarding: forwardingView(row), replayed: false };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // A concurrent request with the same key won: answer with its row.
        const won = await prisma.paperForwarding.findUniqueOrThrow({ where: { requestId: input.requestId } });
        return { forwarding: forwardingView(won), replayed: true };
      }
    },

    /** S-2.2: the agency marks the paper received; a second receipt answers the same row and changes nothing. */
    async receivePaper(input: { applicationNo: string; id: string; receivedBy: string }) {
      const notFound = () =>
        new VillageLookupError('PAPER_FORWARDING_NOT_FOUND', `该申请没有编号为 ${input.id} 的纸质材料转交记录`);
      if (!/^\d{1,18}$/.test(input.id)) throw notFound();
      const id = BigInt(input.id);
      const marked = await prisma.paperForwarding.updateMany({
        where: { id, applicationNo: input.applicationNo, receivedAt: null },
        data: { receivedAt: new Date(), receivedBy: input.receivedBy },
      });
      const row = await prisma.paperForwarding.findUnique({ where: { id } });
      if (!row || row.applicationNo !== input.applicationNo) throw notFound();
      return { forwarding: forwardingView(row), replayed: marked.count === 0 };
    },

    /**
     * S-2.2 tracking: forwardings of the agency's applications (the agency that took the application in), oldest
     * first; `outstanding` only those not yet received.
     */
    async listForwardings(filter: { agencyCode?: string; outstanding: boolean }, now = new Date()) {
      const rows = await prisma.$queryRaw<Array<ForwardingRow & { agencyCode: string | null }>>`
        SELECT pf.id, pf.application_no AS "applicationNo", pf.service_point_id AS "servicePointId",
               pf.forwarded_by AS "forwardedBy", pf.forwarded_to AS "forwardedTo", pf.items,
               pf.forwarded_at AS "forwardedAt", pf.received_by AS "receivedBy", pf.received_at AS "receivedAt",
               pf.request_id AS "requestId", ir.agency_code AS "agencyCode"
          FROM paper_forwarding pf
          JOIN intake_request ir ON ir.application_no = pf.application_no
         WHERE (${filter.agencyCode ?? null}::text IS NULL OR ir.agency_code = ${filter.agencyCode ?? null})
           AND (NOT ${filter.outstanding} OR pf.received_at IS NULL)
         ORDER BY pf.forwarded_at, pf.id
         LIMIT 1000`;
      return rows.map((r) => ({ ...forwardingView(r, now), agencyCode: r.agencyCode }));
    },

    /** S-2.3: the service point of a village agent's home visits: their first point as agent (by id), if any. */
    async agentPoint(agentId: string): Promise<string | null> {
      const row = await prisma.servicePointPerson.findFirst({
        where: { personId: agentId, role: 'agent' },
        orderBy: { servicePointId: 'asc' },
        select: { servicePointId: true },
      });
      return row?.servicePointId ?? null;
    },

    /** S-2.3: the home visits recorded for an application, oldest first. */
    async visitsOf(applicationNo: string) {
      const rows = await prisma.homeVisit.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
      return rows.map(visitView);
    },

    /** S-2.3: a home visit requested for the point (elderly or immobile applicant); idempotent by request id. */
    async requestVisit(input: {
      servicePointId: string;
      applicationNo?: string;
      note?: string;
      requestedBy: string;
      requestId: string;
    }): Promise<{ visit: ReturnType<typeof visitView>; replayed: boolean }> {
      const existing = await prisma.homeVisit.findUnique({ where: { requestId: input.requestId } });
      if (existing) {
        if (
          existing.servicePointId !== input.servicePointId ||
          existing.applicationNo !== (input.applicationNo ?? null)
        )
          throw new VillageLookupError('IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一次上门服务申请，请换用新的幂等键');
        return { visit: visitView(existing), replayed: true };
      }
      try {
        const row = await prisma.homeVisit.create({ data: { ...input, status: 'requested' } });
        return { visit: visitView(row), replayed: false };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const won = await prisma.homeVisit.findUniqueOrThrow({ where: { requestId: input.requestId } });
        return { visit: visitView(won), replayed: true };
      }
    },

    /** S-2.3: who visits and when; the visitor must be a person of the point. Rescheduling is allowed until done. */
    async scheduleVisit(input: { servicePointId: string; visitId: string; visitorId: string; scheduledFor: string }) {
      const row = await visitRow(input.servicePointId, input.visitId);
      checkVisitStep(row.status, 'schedule');
      const atPoint = await prisma.servicePointPerson.findUnique({
        where: { servicePointId_personId: { servicePointId: input.servicePointId, personId: input.visitorId } },
      });
      if (!atPoint) {
        throw new VillageLookupError(
          'HOME_VISIT_VISITOR_NOT_AT_POINT',
          '上门服务人员须为本服务点的法律顾问、代办人或志愿者',
        );
      }
      const updated = await prisma.homeVisit.update({
        where: { id: row.id },
        data: { status: 'scheduled', visitorId: input.visitorId, scheduledFor: new Date(input.scheduledFor) },
      });
      return { visit: visitView(updated), replayed: false };
    },

    /**
     * S-2.3: the visit made. It counts for its visitor (the scheduled one, or else the person of the point recording
     * it). Done again: the same row, unchanged.
     */
    async completeVisit(input: { servicePointId: string; visitId: string; note: string; actor: string }) {
      const row = await visitRow(input.servicePointId, input.visitId);
      checkVisitStep(row.status, 'done');
      if (row.status === 'done') return { visit: visitView(row), replayed: true };
      let visitorId = row.visitorId;
      if (!visitorId) {
        const actorAtPoint = await prisma.servicePointPerson.findUnique({
          where: { servicePointId_personId: { servicePointId: input.servicePointId, personId: input.actor } },
        });
        if (!actorAtPoint) throw new VillageLookupError('HOME_VISIT_NOT_SCHEDULED', '请先安排上门服务人员');
        visitorId = input.actor;
      }
      const marked = await prisma.homeVisit.updateMany({
        where: { id: row.id, status: { in: ['requested', 'scheduled'] } },
        data: { status: 'done', visitorId, doneAt: new Date(), note: input.note },
      });
      const after = await prisma.homeVisit.findUniqueOrThrow({ where: { id: row.id } });
      return { visit: visitView(after), replayed: marked.count === 0 };
    },

    /**
     * S-3.1, S-2.1: the open field checks (route field_check, no result, statement still pending, case in review) that
     * `personId` may report: those commissioned to their service point(s), on any case, and those without a point on
     * applications filed by them or another person of their point(s); soonest due first.
     */
    async fieldCheckTasks(personId: string) {
      const [people, mine] = await Promise.all([
        colleaguesOf(personId),
        prisma.servicePointPerson.findMany({ where: { personId }, select: { servicePointId: true } }),
      ]);
      const myPoints = mine.map((m) => m.servicePointId);
      const filed = await prisma.intakeRequest.findMany({
        where: { filedBy: { in: [...new Set([personId, ...people])] } },
        select: { applicationNo: true, filedBy: true },
      });
      if (filed.length === 0 && myPoints.length === 0) return [];
      const commissioned: Prisma.ApplicationWhereInput[] = myPoints.map((servicePointId) => ({
        verification: { path: ['tasks'], array_contains: [{ servicePointId }] },
      }));
      const apps = await prisma.application.findMany({
        where: {
          OR: [{ applicationNo: { in: filed.map((f) => f.applicationNo) } }, ...commissioned],
          stage: { in: ['awaiting_materials', 'under_review'] },
          verification: { not: Prisma.AnyNull },
        },
        select: { applicationNo: true, agencyCode: true, stage: true, verification: true },
      });
      const filer = new Map(filed.map((f) => [f.applicationNo, f.filedBy]));
      const mayReport = (applicationNo: string, servicePointId: string | undefined) =>
        servicePointId ? myPoints.includes(servicePointId) : filer.has(applicationNo);
      return apps
        .flatMap((app) => {
          const v = app.verification as unknown as VerificationState;
          if (v.status !== 'pending') return [];
          return v.tasks
            .filter((t) => t.route === 'field_check' && !t.result && mayReport(app.applicationNo, t.servicePointId))
            .map((t) => ({
              applicationNo: app.applicationNo,
              agencyCode: app.agencyCode,
              stage: app.stage,
              filedBy: filer.get(app.applicationNo) ?? null,
              taskId: t.id,
              route: t.route,
              servicePointId: t.servicePointId ?? null,
              requestedAt: t.requestedAt,
              dueAt: t.dueAt,
            }));
        })
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.applicationNo.localeCompare(b.applicationNo));
    },

    /** S-2.2, S-2.6: does the person hold a training record of `kind` in force on `on` (China date or instant)? */
    async isTrainedFor({ personId, kind, on }: { personId: string; kind: TrainingKind; on: string }) {
      const rows = await prisma.trainingRecord.findMany({ where: { personId, kind } });
      return isTrained(rows.map(trainingFact), kind, chinaDay(on));
    },

    /** S-2.2, S-2.6: a training record (never edited; a renewal is a new record). */
    async recordTraining(input: {
      personId: string;
      kind: TrainingKind;
      course: string;
      completedOn: CstDate;
      validUntil?: CstDate;
      recordedBy: string;
    }) {
      const row = await prisma.trainingRecord.create({
        data: {
          ...input,
          completedOn: dateColumn(input.completedOn),
          validUntil: input.validUntil ? dateColumn(input.validUntil) : null,
        },
      });
      return trainingView(row);
    },

    /** The person's records, newest first, and whether each kind is in force on `on` (China date). */
    async trainingOf(personId: string, on: CstDate) {
      const rows = await prisma.trainingRecord.findMany({ where: { personId }, orderBy: { id: 'desc' } });
      const facts = rows.map(trainingFact);
      return {
        personId,
        on,
        valid: {
          agent_filing: isTrained(facts, 'agent_filing', on),
          hotline_duty: isTrained(facts, 'hotline_duty', on),
        },
        records: rows.map(trainingView),
      };
    },
  };
}

export type VillageRepository = ReturnType<typeof createVillageRepository>;
