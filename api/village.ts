/**
 * Village and community service points (S-2.1-S-2.3) and training records (S-2.2, S-2.6):
 * - /village: points and their people, each point's paper and visits, the agency's paper still out (S-2.2 tracking),
 *   home visits (S-2.3), and the field checks a point's agents are commissioned for (S-3.1);
 * - /applications/:no/paper-forwardings: the paper materials the agent forwards, and the agency's receipt (S-2.2);
 * - /people/:personId/training: training records (S-2.2 filing for others, S-2.6 hotline duty).
 * Data: activities/village.ts. Access: api/auth/access.ts (`village.*`, `training.*`).
 */
import { Router, type Request, type RequestHandler } from 'express';
import { createVillageRecords } from '../activities/village';
import { cstDateOf, cstYearOf } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';
import { loadApplicationScope } from './applications';
import {
  agencyListScope,
  mayActOnAgency,
  mayActOnServicePoint,
  mayReadTraining,
  rolesFor,
  type Action,
} from './auth/access';
import { audit, authorize, authorizeApplication, principalOf, type AuditSink } from './auth/middleware';
import { ApiError } from './errors';
import { perMinute } from './limits';
import { requestIdOf } from './idempotency';
import {
  applicationNoParams,
  createServicePointBody,
  homeVisitBody,
  homeVisitParams,
  paperForwardingBody,
  paperForwardingParams,
  paperForwardingsQuery,
  personParams,
  scheduleVisitBody,
  servicePointParams,
  servicePointPersonBody,
  servicePointQuery,
  servicePointsQuery,
  trainingBody,
  visitDoneBody,
} from './schemas';

export interface VillageDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');
const pointNotFound = (id: string) => new ApiError(404, 'SERVICE_POINT_NOT_FOUND', `没有编号为 ${id} 的村居法律服务点`);

export function villageRouters(deps: VillageDeps): { village: Router; applications: Router; people: Router } {
  const records = createVillageRecords({ prisma: deps.prisma });
  const actionLimit = perMinute(deps.limits.actionsPerMinute);
  const auditAs = (action: Action, targetType: string, targetOf: (req: Request) => unknown) =>
    audit(deps.auditSink, deps.onAuditError, action, targetType, (req) => {
      const id = targetOf(req);
      return typeof id === 'string' ? id.slice(0, 64) : undefined;
    });

  /** Role check, then the point (404), then its agency or its people (403). Audited, refusals too. */
  const onPoint = (action: Action): RequestHandler[] => [
    auditAs(action, 'service_point', (req) => req.params.id),
    async (req, res, next) => {
      const principal = principalOf(res);
      if (rolesFor(action, principal).length === 0) return next(forbidden());
      const { id } = servicePointParams.parse(req.params);
      const point = await records.point(id);
      if (!point) return next(pointNotFound(id));
      const scope = { agencyCode: point.agencyCode, people: point.people.map((p) => p.personId) };
      next(mayActOnServicePoint(action, principal, scope) ? undefined : forbidden());
    },
  ];

  const village = Router();
  village.use(deps.authenticate);

  // S-2.1: the agency registers its service points (the city centre any agency's).
  village.post(
    '/points',
    actionLimit,
    auditAs('village.points.manage', 'service_point', (req) => (req.body as { id?: unknown } | undefined)?.id),
    async (req, res) => {
      const principal = principalOf(res);
      if (rolesFor('village.points.manage', principal).length === 0) throw forbidden();
      const body = createServicePointBody.parse(req.body);
      if (!mayActOnAgency('village.points.manage', principal, body.agencyCode)) throw forbidden();
      const { point, replayed } = await records.registerPoint(body);
      res
        .status(replayed ? 200 : 201)
        .setHeader('Location', `/village/points/${point.id}`)
        .json({ point, replayed });
    },
  );

  village.post('/points/:id/people', actionLimit, ...onPoint('village.points.manage'), async (req, res) => {
    const { id } = servicePointParams.parse(req.params);
    const body = servicePointPersonBody.parse(req.body);
    const { person, replayed } = await records.addPerson({ servicePointId: id, ...body });
    res.status(replayed ? 200 : 201).json({ person, replayed });
  });

  // Agency people list their agency's points (the city centre and city-level people any); an agent or advisor theirs.
  village.get('/points', async (req, res) => {
    const principal = principalOf(res);
    if (rolesFor('village.points.read', principal).length === 0) throw forbidden();
    const q = servicePointsQuery.parse(req.query);
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

  village.get('/points/:id', ...onPoint('village.points.read'), async (req, res) => {
    const { id } = servicePointParams.parse(req.params);
    const { year } = servicePointQuery.parse(req.query);
    const detail = await records.pointDetail(id, year ?? cstYearOf(new Date()));
    if (!detail) throw pointNotFound(id);
    res.json(detail);
  });

  // S-2.3 home visits: requested, scheduled, done (a done visit counts for its visitor).
  village.post('/points/:id/home-visits', actionLimit, ...onPoint('village.visits'), async (req, res) => {
    const principal = principalOf(res);
    const { id } = servicePointParams.parse(req.params);
    const body = homeVisitBody.parse(req.body ?? {});
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

  village.post(
    '/points/:id/home-visits/:visitId/schedule',
    actionLimit,
    ...onPoint('village.visits'),
    async (req, res) => {
      const { id, visitId } = homeVisitParams.parse(req.params);
      const body = scheduleVisitBody.parse(req.body);
      res.json(await records.scheduleVisit({ servicePointId: id, visitId, ...body }));
    },
  );

  village.post('/points/:id/home-visits/:visitId/done', actionLimit, ...onPoint('village.visits'), async (req, res) => {
    const { id, visitId } = homeVisitParams.parse(req.params);
    const body = visitDoneBody.parse(req.body);
    res.json(await records.completeVisit({ servicePointId: id, visitId, ...body, actor: principalOf(res).userId }));
  });

  // S-2.2 tracking: paper materials of the agency's applications, by default those not yet received.
  village.get('/paper-forwardings', async (req, res) => {
    const principal = principalOf(res);
    if (rolesFor('village.paper.read', principal).length === 0) throw forbidden();
    const q = paperForwardingsQuery.parse(req.query);
    const scope = agencyListScope('village.paper.read', principal);
    const agencyCode = q.agencyCode ?? (scope.all ? undefined : scope.agency);
    if (!scope.all && (agencyCode === undefined || agencyCode !== scope.agency)) throw forbidden();
    const forwardings = await records.listForwardings({ agencyCode, outstanding: q.outstanding === 'true' });
    res.json({ on: cstDateOf(new Date()), forwardings });
  });

  // S-3.1, S-2.1: the open field checks of cases filed by the caller or another person of their service point.
  village.get('/tasks', authorize('village.tasks'), async (_req, res) => {
    res.json({ tasks: await records.fieldCheckTasks(principalOf(res).userId) });
  });

  // S-2.2: paper materials forwarded by the filing agent (or recorded by agency staff), and received by the agency.
  const applications = Router();
  applications.use(deps.authenticate);
  const paramNo = (req: Request) => applicationNoParams.parse(req.params).applicationNo;
  const onApplication = (action: Action) => [
    audit(deps.auditSink, deps.onAuditError, action, 'application', (req) => req.params.applicationNo as string),
    authorizeApplication(action, (no) => loadApplicationScope(deps.prisma, no), paramNo),
  ];

  applications.post(
    '/:applicationNo/paper-forwardings',
    actionLimit,
    ...onApplication('village.forwardPaper'),
    async (req, res) => {
      const principal = principalOf(res);
      const applicationNo = paramNo(req);
      const body = paperForwardingBody.parse(req.body);
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

  applications.post(
    '/:applicationNo/paper-forwardings/:id/receipt',
    actionLimit,
    ...onApplication('village.receivePaper'),
    async (req, res) => {
      const { applicationNo, id } = paperForwardingParams.parse(req.params);
      res.json(await records.receivePaper({ applicationNo, id, receivedBy: principalOf(res).userId }));
    },
  );

  // S-2.2, S-2.6 training records: recorded by the agency, read by the agency and by the person themselves.
  const people = Router();
  people.use(deps.authenticate);
  people.post(
    '/:personId/training',
    actionLimit,
    auditAs('training.manage', 'person', (req) => req.params.personId),
    authorize('training.manage'),
    async (req, res) => {
      const { personId } = personParams.parse(req.params);
      const body = trainingBody.parse(req.body);
      const record = await records.recordTraining({ personId, ...body, recordedBy: principalOf(res).userId });
      res.status(201).json({ record });
    },
  );
  people.get(
    '/:personId/training',
    auditAs('training.read', 'person', (req) => req.params.personId),
    async (req, res) => {
      const { personId } = personParams.parse(req.params);
      if (!mayReadTraining(principalOf(res), personId)) throw forbidden();
      res.json(await records.trainingOf(personId, cstDateOf(new Date())));
    },
  );

  return { village, applications, people };
}
