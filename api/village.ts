/**
 * Village and community service points (S-2.1-S-2.3) and training records (S-2.2, S-2.6):
 * - /village: points and their people, each point's paper and visits, the agency's paper still out (S-2.2 tracking),
 *   home visits (S-2.3), and the field checks a point's agents are commissioned for (S-3.1);
 * - /applications/:no/paper-forwardings: the paper materials the agent forwards, and the agency's receipt (S-2.2);
 * - /people/:personId/training: training records (S-2.2 filing for others, S-2.6 hotline duty).
 * Data: repositories/village.ts. Access: api/auth/access.ts (`village.*`, `training.*`).
 */
import type { RequestHandler } from 'express';
import { createVillageRepository } from '../repositories/village';
import { cstDateOf, cstYearOf } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';
import {
  agencyListScope,
  mayActOnAgency,
  mayActOnServicePoint,
  mayReadTraining,
  rolesFor,
  type Action,
  type Principal,
} from './auth/access';
import type { AuditSink } from './auth/middleware';
import { villageRoutes } from './contract/village';
import { assertSuppliable } from './correction-items';
import { ApiError } from './errors';
import { caseGuard, forbidden, loadApplicationScope } from './guards';
import { requestIdOf } from './idempotency';
import type { Mounter } from './mount';

export interface VillageDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const pointNotFound = (id: string) => new ApiError(404, 'SERVICE_POINT_NOT_FOUND', `没有编号为 ${id} 的村居法律服务点`);

export function mountVillage(m: Mounter, deps: VillageDeps): void {
  const C = villageRoutes;
  const records = createVillageRepository({ prisma: deps.prisma });

  /** The point of the path's `id`: 404 when there is none, 403 unless the caller is of its agency or its people. */
  const onPoint =
    (action: Action) =>
    async ({ params, principal }: { params: { id: string }; principal: Principal | undefined }) => {
      const point = await records.point(params.id);
      if (!point) throw pointNotFound(params.id);
      const scope = { agencyCode: point.agencyCode, people: point.people.map((p) => p.personId) };
      if (!principal || !mayActOnServicePoint(action, principal, scope)) throw forbidden();
    };
  const onCase = (action: Action) => caseGuard(deps.prisma, action);

  // S-2.1: the agency registers its service points (the city centre any agency's).
  m.mount(C.createPoint, async ({ body, principal }, _req, res) => {
    if (!mayActOnAgency('village.points.manage', principal, body.agencyCode)) throw forbidden();
    const { point, replayed } = await records.registerPoint(body);
    res
      .status(replayed ? 200 : 201)
      .setHeader('Location', `/village/points/${point.id}`)
      .json({ point, replayed });
  });

  m.mount(C.addPerson, onPoint('village.points.manage'), async ({ params: { id }, body }, _req, res) => {
    const { person, replayed } = await records.addPerson({ servicePointId: id, ...body });
    res.status(replayed ? 200 : 201).json({ person, replayed });
  });

  // Agency people list their agency's points (the city centre and city-level people any); an agent or advisor theirs.
  m.mount(C.listPoints, async ({ query: q, principal }, _req, res) => {
    const scope = agencyListScope('village.points.read', principal);
    let filter: { agencyCode?: string; personId?: string };
    if (scope.all) filter = { agencyCode: q.agencyCode };
    else if (scope.agency !== undefined && (q.agencyCode ?? scope.agency) === scope.agency) {
      filter = { agencyCode: scope.agency };
    } else if (
      rolesFor('village.points.read', principal).some((r) => r === 'village_agent' || r === 'village_advisor')
    ) {
      filter = { agencyCode: q.agencyCode, personId: principal.userId };
    } else throw forbidden();
    res.json({ points: await records.listPoints(filter) });
  });

  m.mount(C.readPoint, onPoint('village.points.read'), async ({ params: { id }, query: { year } }, _req, res) => {
    const detail = await records.pointDetail(id, year ?? cstYearOf(new Date()));
    if (!detail) throw pointNotFound(id);
    res.json(detail);
  });

  // S-2.3 home visits: requested, scheduled, done (a done visit counts for its visitor).
  m.mount(C.requestVisit, onPoint('village.visits'), async ({ params: { id }, body = {}, principal }, req, res) => {
    if (body.applicationNo !== undefined && !(await loadApplicationScope(deps.prisma, body.applicationNo))) {
      throw new ApiError(404, 'APPLICATION_NOT_FOUND', `未找到编号为 ${body.applicationNo} 的法律援助申请`);
    }
    const { visit, replayed } = await records.requestVisit({
      servicePointId: id,
      ...body,
      requestedBy: principal.userId,
      requestId: requestIdOf(req, principal.userId, undefined),
    });
    res.status(replayed ? 200 : 201).json({ visit, replayed });
  });

  m.mount(C.scheduleVisit, onPoint('village.visits'), async ({ params: { id, visitId }, body }, _req, res) => {
    res.json(await records.scheduleVisit({ servicePointId: id, visitId, ...body }));
  });

  m.mount(
    C.completeVisit,
    onPoint('village.visits'),
    async ({ params: { id, visitId }, body, principal }, _req, res) => {
      res.json(await records.completeVisit({ servicePointId: id, visitId, ...body, actor: principal.userId }));
    },
  );

  // S-2.2 tracking: paper materials of the agency's applications, by default those not yet received.
  m.mount(C.paperForwardings, async ({ query: q, principal }, _req, res) => {
    const scope = agencyListScope('village.paper.read', principal);
    const agencyCode = q.agencyCode ?? (scope.all ? undefined : scope.agency);
    if (!scope.all && (agencyCode === undefined || agencyCode !== scope.agency)) throw forbidden();
    const forwardings = await records.listForwardings({ agencyCode, outstanding: q.outstanding === 'true' });
    res.json({ on: cstDateOf(new Date()), forwardings });
  });

  // S-3.1, S-2.1: the open field checks of cases filed by the caller or another person of their service point.
  m.mount(C.tasks, async ({ principal }, _req, res) => {
    res.json({ tasks: await records.fieldCheckTasks(principal.userId) });
  });

  // S-2.2: paper materials forwarded by the filing agent (or recorded by agency staff), and received by the agency.
  m.mount(
    C.forwardPaper,
    onCase('village.forwardPaper'),
    async ({ params: { applicationNo }, body, principal }, req, res) => {
      await assertSuppliable(deps.prisma, applicationNo, body.items, 'items');
      // The point the paper comes from: the filer's (the first by id when they serve at several).
      const intake = await deps.prisma.intakeRequest.findUnique({ where: { applicationNo } });
      const from = intake?.filedBy
        ? await deps.prisma.servicePointPerson.findFirst({
            where: { personId: intake.filedBy },
            orderBy: { servicePointId: 'asc' },
          })
        : null;
      const { forwarding, replayed } = await records.forwardPaper({
        applicationNo,
        servicePointId: from?.servicePointId ?? null,
        forwardedBy: principal.userId,
        ...body,
        requestId: requestIdOf(req, principal.userId, undefined),
      });
      res
        .status(replayed ? 200 : 201)
        .setHeader('Location', `/applications/${applicationNo}/paper-forwardings/${forwarding.id}`)
        .json({ forwarding, replayed });
    },
  );

  m.mount(
    C.receivePaper,
    onCase('village.receivePaper'),
    async ({ params: { applicationNo, id }, principal }, _req, res) => {
      res.json(await records.receivePaper({ applicationNo, id, receivedBy: principal.userId }));
    },
  );

  // S-2.2, S-2.6 training records: recorded by the agency, read by the agency and by the person themselves.
  m.mount(C.recordTraining, async ({ params: { personId }, body, principal }, _req, res) => {
    const record = await records.recordTraining({ personId, ...body, recordedBy: principal.userId });
    res.status(201).json({ record });
  });

  m.mount(C.readTraining, async ({ params: { personId }, principal }, _req, res) => {
    if (!mayReadTraining(principal, personId)) throw forbidden();
    res.json(await records.trainingOf(personId, cstDateOf(new Date())));
  });
}
