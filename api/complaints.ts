/**
 * /complaints: complaints about legal aid (L-13). Intake from every channel (the applicant portal, the window, the
 * 12348 hotline, a village agent), idempotent by the filer's key; each complaint's workflow keeps its clocks and
 * steps; the figures count only; the complainant follows it with the lookup code (api/contract/complaints.ts).
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  acceptComplaint,
  answerComplaint,
  assignComplaintHandler,
  complaintWorkflowId,
  decideComplaint,
  extendComplaint,
  getComplaint,
  notifyComplaintResult,
  recordComplaintInvestigation,
  withdrawComplaint,
  type ComplaintInput,
  type ComplaintState,
  type StepDefinition,
} from '../domain/definitions';
import {
  acceptancePeriod,
  checkComplaint,
  COMPLAINT_GROUNDS,
  COMPLAINT_MEASURES,
  COMPLAINT_OUTCOMES,
  COMPLAINT_STATUSES,
  type ComplaintChannel,
  type ComplaintGround,
  type ComplaintOutcome,
  type ComplaintStatus,
} from '../domain/complaints';
import { cstYearOf, formatCst, startOfCstDay } from '../domain/time';
import type { RuleConfig } from '../domain/rule-config';
import type { RecordChanges } from '../platform/record-changes';
import { storedAnswers } from '../platform/step-client';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { createCalendarRepository } from '../repositories/calendar';
import { createComplaintRepository, type ComplaintRow } from '../repositories/complaints';
import { agencyListScope, CITY_AGENCY, rolesFor, type Action, type Principal } from './auth/access';
import { complaintRoutes } from './contract/complaints';
import { ApiError } from './errors';
import { requestIdOf } from './idempotency';
import type { Mounter } from './mount';
import { statusCode, statusCodeMatches } from './status-code';
import { sendStep } from './steps';

export interface ComplaintDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  statusCodeSecret: string;
  rules: RuleConfig;
  recordChanges?: RecordChanges;
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您无权处理该投诉');
const notFound = () => new ApiError(404, 'COMPLAINT_NOT_FOUND', '没有这个投诉');
const sameAgency = (p: Principal, agencyCode: string) => p.agency === agencyCode;

/** Object-level access to one complaint, per role (api/auth/access.ts has the table of actions). */
function roleMay(action: Action, role: string, p: Principal, c: ComplaintRow): boolean {
  switch (role) {
    case 'city_centre':
      return action === 'complaint.read';
    case 'manager':
    case 'auditor':
      return p.agency === CITY_AGENCY || sameAgency(p, c.agencyCode);
    // The agency does not handle a complaint about itself: the justice bureau does.
    case 'agency_staff':
    case 'agency_head':
      return sameAgency(p, c.agencyCode) && (action === 'complaint.read' || c.respondentKind !== 'agency');
    case 'justice_bureau':
      return p.agency === CITY_AGENCY || sameAgency(p, c.agencyCode);
    case 'applicant':
      return c.complainantSubject !== null && c.complainantSubject === p.userId;
    case 'lawyer':
      return c.respondentKind === 'member' && c.respondentId === p.userId;
    case 'institution':
      return c.respondentKind === 'institution' && p.institution !== undefined && c.respondentId === p.institution;
    default:
      return false;
  }
}

/** S-2.1, S-2.7: the channel follows from who files; staff at the window record the one it came through. */
function channelOf(p: Principal, asked: ComplaintChannel | undefined): ComplaintChannel {
  const roles = rolesFor('complaint.file', p);
  if (roles.some((r) => r === 'agency_staff' || r === 'agency_head' || r === 'city_centre')) return asked ?? 'window';
  if (roles.includes('hotline_officer')) return 'hotline';
  if (roles.some((r) => r === 'village_agent' || r === 'village_advisor')) return 'village_agent';
  return 'online';
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const average = (xs: number[]) => (xs.length ? round1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
const DAY_MS = 86_400_000;

function counted<K extends string>(keys: Array<K | null>, labels: Record<string, string>) {
  const m = new Map<string, number>();
  for (const k of keys) if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, complaints]) => ({ key, label: labels[key] ?? key, complaints }));
}

export function mountComplaints(m: Mounter, deps: ComplaintDeps): void {
  const C = complaintRoutes;
  const repo = createComplaintRepository(deps);
  const calendars = createCalendarRepository(deps);
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const handleOf = (id: string) => deps.temporal.workflow.getHandle(complaintWorkflowId(id));

  const guard =
    (action: Action) =>
    async ({ params, principal }: { params: { complaintId: string }; principal: Principal }) => {
      const row = await repo.find(params.complaintId);
      if (!row) throw notFound();
      if (!rolesFor(action, principal).some((r) => roleMay(action, r, principal, row))) throw forbidden();
    };

  function send<Arg>(req: Request, id: string, p: Principal, step: StepDefinition<ComplaintState, Arg>, arg: Arg) {
    const updateId = `${step.name}:${requestIdOf(req, p.userId, undefined)}`;
    const closed = new ApiError(409, 'COMPLAINT_CLOSED', '该投诉已办结');
    return sendStep(answers, { handle: handleOf(id), updateId, missing: notFound(), closed }, step, arg);
  }

  // L-13 intake: one complaint per key and filer; the workflow starts its clocks.
  m.mount(C.file, async ({ body, principal }, req, res) => {
    if (req.header('Idempotency-Key') === undefined) {
      throw new ApiError(
        400,
        'IDEMPOTENCY_KEY_REQUIRED',
        '请在请求头 Idempotency-Key 中提供幂等键，以免重复提交产生两件投诉',
      );
    }
    // Agency people take complaints for their own agency (the city centre for any).
    const fileRoles = rolesFor('complaint.file', principal);
    if (fileRoles.every((r) => r === 'agency_staff' || r === 'agency_head') && principal.agency !== body.agencyCode) {
      throw new ApiError(403, 'FORBIDDEN', '不能为其他机构登记投诉');
    }
    const key = requestIdOf(req, principal.userId, undefined);
    const complaintId = `TS-${key.slice(0, 20)}`;
    res.locals.complaintId = complaintId;
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const existing = await repo.find(complaintId);
    // A repeat (this key again, or a concurrent twin that wrote the row first) answers 200.
    let replayed = existing !== null;
    if (!existing) {
      checkComplaint(body);
      if (body.applicationNo) {
        const filed = await deps.prisma.intakeRequest.findUnique({ where: { applicationNo: body.applicationNo } });
        if (!filed || filed.agencyCode !== body.agencyCode) {
          throw new ApiError(422, 'COMPLAINT_CASE_NOT_FOUND', '所涉案件不存在，或不属于受理投诉的机构');
        }
        // Online, a party to the case complains about their own case only.
        const party = body.complainantKind === 'aided_person' || body.complainantKind === 'applicant';
        if (party && principal.roles.includes('applicant') && filed.applicantSubject !== principal.userId) {
          throw new ApiError(403, 'FORBIDDEN', '所涉案件不是您本人的案件');
        }
      }
      const respondent = await repo.respondent(body.respondentKind, body.respondentId, body.agencyCode);
      if (respondent.agencyCode !== body.agencyCode) {
        throw new ApiError(422, 'COMPLAINT_AGENCY_MISMATCH', '被投诉的机构或人员不属于受理投诉的机构');
      }
      const receivedAt = new Date();
      const acceptDueAt = acceptancePeriod(receivedAt, await calendars.calendar(), deps.rules.complaints).dueAt;
      const filedByRole = rolesFor('complaint.file', principal)[0]!;
      ({ replayed } = await repo.file({
        id: complaintId,
        idempotencyKey: key,
        requestHash,
        agencyCode: body.agencyCode,
        channel: channelOf(principal, body.channel),
        complainantKind: body.complainantKind,
        anonymous: body.anonymous,
        complainant: body.complainant ?? undefined,
        details: { facts: body.facts, request: body.request, attachments: body.attachments },
        respondentKind: respondent.kind,
        respondentId: respondent.id,
        institutionId: respondent.institutionId ?? null,
        applicationNo: body.applicationNo ?? null,
        ground: body.ground,
        filedBy: principal.userId,
        filedByRole,
        complainantSubject: filedByRole === 'applicant' ? principal.userId : null,
        status: 'received',
        receivedAt,
        acceptDueAt,
      }));
    } else if (existing.requestHash !== requestHash) {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一件不同的投诉，请换用新的幂等键');
    }
    const row = (await repo.find(complaintId))!;
    const input: ComplaintInput = {
      complaintId,
      agencyCode: row.agencyCode as ComplaintInput['agencyCode'],
      receivedAt: row.receivedAt.toISOString(),
      anonymous: row.anonymous,
      respondent: {
        kind: row.respondentKind as ComplaintInput['respondent']['kind'],
        id: row.respondentId,
        ...(row.institutionId ? { institutionId: row.institutionId } : {}),
        agencyCode: row.agencyCode,
      },
      ground: row.ground as ComplaintGround,
      ...(row.applicationNo ? { applicationNo: row.applicationNo } : {}),
      rules: deps.rules.complaints,
    };
    try {
      await deps.temporal.workflow.start('complaintWorkflow', {
        workflowId: complaintWorkflowId(complaintId),
        taskQueue: deps.taskQueue,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    res.status(replayed ? 200 : 201).json({
      complaintId,
      statusCode: statusCode(deps.statusCodeSecret, complaintId),
      status: row.status as ComplaintStatus,
      acceptDueAt: row.acceptDueAt.toISOString(),
    });
  });

  m.mount(C.list, async ({ query: q, principal }, _req, res) => {
    const roles = rolesFor('complaint.read', principal);
    const cityWide =
      roles.includes('city_centre') || (principal.agency === CITY_AGENCY && roles.some((r) => r !== 'applicant'));
    const where: Prisma.ComplaintWhereInput = { status: q.status };
    if (roles.length === 1 && roles[0] === 'applicant') where.complainantSubject = principal.userId;
    else if (cityWide) where.agencyCode = q.agencyCode;
    else if (principal.agency) where.agencyCode = principal.agency;
    else throw new ApiError(403, 'FORBIDDEN', '没有所属机构');
    const rows = await repo.list(where, q.limit);
    res.json({
      complaints: rows.map((c) => ({
        complaintId: c.id,
        agencyCode: c.agencyCode,
        status: c.status as ComplaintStatus,
        respondentKind: c.respondentKind,
        respondentId: c.respondentId,
        applicationNo: c.applicationNo,
        ground: c.ground,
        receivedAt: c.receivedAt.toISOString(),
        acceptDueAt: c.acceptDueAt.toISOString(),
        dueAt: c.dueAt?.toISOString() ?? null,
        notifyDueAt: c.notifyDueAt?.toISOString() ?? null,
        escalated: c.escalated,
      })),
    });
  });

  // L-13, L-15: counts by agency, institution, ground, status and outcome; times to accept and to resolve.
  m.mount(C.figures, async ({ query: q, principal }, _req, res) => {
    const scope = agencyListScope('figures.read', principal);
    const agencyCode = scope.all ? (q.agencyCode ?? null) : (scope.agency ?? null);
    if (!scope.all && !agencyCode) throw new ApiError(403, 'FORBIDDEN', '没有所属机构');
    if (!scope.all && q.agencyCode && q.agencyCode !== agencyCode) throw forbidden();
    const year = q.year ?? cstYearOf(new Date());
    const rows = await repo.figures({
      ...(agencyCode ? { agencyCode } : {}),
      receivedAt: { gte: startOfCstDay(`${year}-01-01`), lt: startOfCstDay(`${year + 1}-01-01`) },
    });
    res.json({ year, agencyCode, ...complaintFigures(rows) });
  });

  m.mount(C.read, guard('complaint.read'), async ({ params }, _req, res) => {
    res.json(await handleOf(params.complaintId).query(getComplaint));
  });

  m.mount(C.accept, guard('complaint.handle'), async ({ params, body, principal }, req, res) => {
    const arg = { accepted: body.accepted, reason: body.reason, by: principal.userId };
    res.json(await send(req, params.complaintId, principal, acceptComplaint, arg));
  });
  m.mount(C.assign, guard('complaint.handle'), async ({ params, body, principal }, req, res) => {
    const arg = { ...body, handlerAgency: principal.agency, assignedBy: principal.userId };
    res.json(await send(req, params.complaintId, principal, assignComplaintHandler, arg));
  });
  m.mount(C.investigate, guard('complaint.handle'), async ({ params, body, principal }, req, res) => {
    const arg = { ...body, by: principal.userId };
    res.json(await send(req, params.complaintId, principal, recordComplaintInvestigation, arg));
  });
  m.mount(C.answer, guard('complaint.answer'), async ({ params, body, principal }, req, res) => {
    res.json(await send(req, params.complaintId, principal, answerComplaint, { ...body, by: principal.userId }));
  });
  // L-13: the approver of the one extension is the agency head (the justice bureau for a complaint about the agency).
  m.mount(C.extend, guard('complaint.extend'), async ({ params, body, principal }, req, res) => {
    res.json(
      await send(req, params.complaintId, principal, extendComplaint, { ...body, approvedBy: principal.userId }),
    );
  });
  m.mount(C.decide, guard('complaint.handle'), async ({ params, body, principal }, req, res) => {
    res.json(await send(req, params.complaintId, principal, decideComplaint, { ...body, by: principal.userId }));
  });
  m.mount(C.notify, guard('complaint.handle'), async ({ params, principal }, req, res) => {
    res.json(await send(req, params.complaintId, principal, notifyComplaintResult, { by: principal.userId }));
  });
  m.mount(C.withdraw, guard('complaint.withdraw'), async ({ params, body, principal }, req, res) => {
    res.json(await send(req, params.complaintId, principal, withdrawComplaint, { ...body, by: principal.userId }));
  });

  // The complainant's own lookup (anonymous too): a wrong code and an unknown id answer alike.
  m.mount(C.lookup, async ({ body }, _req, res) => {
    const row = await repo.find(body.complaintId);
    if (!row || !statusCodeMatches(deps.statusCodeSecret, body.complaintId, body.code)) {
      throw new ApiError(404, 'STATUS_NOT_FOUND', '投诉编号或查询码不正确');
    }
    res.locals.complaintId = row.id;
    const state = row.state as Partial<ComplaintState> | null;
    const notices = await deps.prisma.notification.findMany({
      where: { applicationNo: row.id, channel: 'inbox', recipient: `complainant:${row.id}` },
      orderBy: { id: 'asc' },
    });
    const status = row.status as ComplaintStatus;
    res.json({
      complaintId: row.id,
      status,
      statusLabel: COMPLAINT_STATUSES[status],
      receivedAt: row.receivedAt.toISOString(),
      acceptDueAt: row.acceptDueAt.toISOString(),
      dueAt: row.dueAt?.toISOString() ?? null,
      refusalReason: status === 'refused' ? (state?.acceptance?.reason ?? null) : null,
      outcome: row.outcome ? COMPLAINT_OUTCOMES[row.outcome as ComplaintOutcome] : null,
      measures: row.measures.map((m) => COMPLAINT_MEASURES[m as keyof typeof COMPLAINT_MEASURES] ?? m),
      notices: notices.map((n) => ({ at: formatCst(n.sentAt ?? n.createdAt), text: n.body })),
    });
  });
}

/** The figures of a set of complaints (counts and averages only: L-15 publishes them without names). */
export function complaintFigures(rows: Awaited<ReturnType<ReturnType<typeof createComplaintRepository>['figures']>>) {
  const days = (from: Date, to: Date | null) => (to ? (to.getTime() - from.getTime()) / DAY_MS : undefined);
  return {
    total: rows.length,
    byAgency: counted(
      rows.map((r) => r.agencyCode),
      {},
    ),
    byInstitution: counted(
      rows.map((r) => r.institutionId),
      {},
    ),
    byGround: counted(
      rows.map((r) => r.ground),
      COMPLAINT_GROUNDS,
    ),
    byStatus: counted(
      rows.map((r) => r.status),
      COMPLAINT_STATUSES,
    ),
    byOutcome: counted(
      rows.map((r) => r.outcome),
      COMPLAINT_OUTCOMES,
    ),
    escalated: rows.filter((r) => r.escalated).length,
    averageDaysToAccept: average(rows.flatMap((r) => days(r.receivedAt, r.acceptedAt) ?? [])),
    averageDaysToResolve: average(rows.flatMap((r) => days(r.receivedAt, r.decidedAt) ?? [])),
  };
}
