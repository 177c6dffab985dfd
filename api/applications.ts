/**
 * /applications: intake, the stored record, the live workflow state, and the staff actions that move a case
 * (updates with validators, so a wrong action gets a clear rejection instead of silently doing nothing).
 * Every route is authenticated; access is declared per route from the permission table (api/auth/access.ts).
 */
import type { Request, RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RecordChanges } from '../platform/record-changes';
import { storedAnswers } from '../platform/step-client';
import { sendStep } from './steps';
import { requestIdOf } from './idempotency';
import {
  applicationWorkflowId,
  assignCase,
  confirmMember,
  replaceMember,
  reportConflict,
  returnToOrgan,
  decide,
  decideObjection,
  extendCorrectionDeadline,
  fileObjection,
  getState,
  terminateAid,
  recordVerificationResult,
  requestVerification,
  settleVerification,
  supplyMaterials,
} from '../domain/definitions';
import type { StepDefinition } from '../domain/definitions';
import { missingMaterials, requiredForIntake } from '../domain/materials';
import { createCorrectionItemRepository } from '../repositories/correction-items';
import { STAGES } from '../domain/stages';
import { ageOn, birthDateFromIdNumber } from '../domain/eligibility';
import type { IntakeCheck } from '../domain/intake';
import { cstDateOf } from '../domain/time';
import { homeVisitNote, homeVisitReasons, VISIT_STATUSES, type VisitStatus } from '../domain/village';
import { createVillageRepository } from '../repositories/village';
import { createIntakeLinks } from '../repositories/intake-links';
import { terminable } from '../domain/termination';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { CHANNELS_BY_ROLE, listScope, rolesFor, type Action, type Principal } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { applicationRoutes } from './contract/applications';
import { ApiError, notFound } from './errors';
import { assertSuppliable, refusingBadCodes } from './correction-items';
import { caseGuard, loadApplicationScope } from './guards';
import { submitApplication, type IntakeDeps } from './intake';
import type { Mounter } from './mount';
import { extendDeadlineBody, idempotencyKey } from './schemas';
import { statusCode } from './status-code';

declare module 'express-serve-static-core' {
  interface Locals {
    applicationNo?: string;
  }
}

function requiredKey(req: Request): string {
  const raw = req.header('Idempotency-Key');
  if (raw === undefined) {
    throw new ApiError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      '请在请求头 Idempotency-Key 中提供幂等键，以免重复提交产生两份申请',
    );
  }
  return idempotencyKey.parse(raw);
}

const materialView = (codes: string[], names: Map<string, string>) =>
  codes.map((code) => ({ code, label: names.get(code) ?? code }));

export interface ApplicationsDeps extends IntakeDeps {
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  statusCodeSecret: string;
  limits: { intakePerMinute: number; actionsPerMinute: number };
  /** S-2.2: village agents and advisors need a filing training in force to file (REQUIRE_TRAINING). */
  requireTraining: boolean;
}

export { loadApplicationScope } from './guards';

export function mountApplications(
  m: Mounter,
  deps: ApplicationsDeps & { prisma: PrismaClient; temporal: Client; recordChanges?: RecordChanges },
): void {
  const C = applicationRoutes;
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const handleFor = (applicationNo: string) => deps.temporal.workflow.getHandle(applicationWorkflowId(applicationNo));
  const onCase = (action: Action) => caseGuard(deps.prisma, action);
  const village = createVillageRepository({ prisma: deps.prisma });
  const links = createIntakeLinks({ prisma: deps.prisma });
  const catalogue = createCorrectionItemRepository({ prisma: deps.prisma });

  /** True when the workflow exists but has closed, so it can no longer take updates. */
  async function isClosed(applicationNo: string): Promise<boolean> {
    try {
      return (await handleFor(applicationNo).describe()).status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
      throw err;
    }
  }

  m.mount(C.create, async ({ body, principal }, req, res) => {
    const key = requiredKey(req);
    // S-2.1, S-2.2, S-2.7: the filer's role decides the channels they may file through.
    const role = rolesFor('application.create', principal).find((r) => CHANNELS_BY_ROLE[r]?.includes(body.channel));
    if (!role) throw new ApiError(403, 'CHANNEL_NOT_ALLOWED', '您的角色不能通过该渠道提交申请');
    // S-2.2: a village agent or advisor files for someone else only with a filing training in force today.
    if ((role === 'village_agent' || role === 'village_advisor') && deps.requireTraining) {
      const on = new Date().toISOString();
      if (!(await village.isTrainedFor({ personId: principal.userId, kind: 'agent_filing', on }))) {
        throw new ApiError(403, 'TRAINING_REQUIRED', '您尚未取得有效的代办培训记录，暂不能代为提交申请（S-2.2）');
      }
    }
    // S-2.9(d), (e): the duty officer or village legal advisor who files is on record for the assignment.
    const own =
      role === 'hotline_officer' ? 'hotlineOfficerId' : role === 'village_advisor' ? 'villageAdvisorId' : undefined;
    if (own && !body.intake?.assignment?.[own]) {
      body.intake = { ...body.intake, assignment: { ...body.intake?.assignment, [own]: principal.userId } };
    }
    // S-2.9(d): the officer whose call guided or transferred it; (e): the advisor of the filing agent's point.
    const callId = body.intake?.assignment?.hotlineCallId;
    if (callId) {
      const officer = await links.callOfficer(callId, body.agencyCode);
      if (!officer) {
        throw new ApiError(
          422,
          'HOTLINE_CALL_NOT_LINKABLE',
          '该来电不是本机构值班人员引导申请或转办的来电，不能作为值班人员优先承办的依据（S-2.9(d)）',
        );
      }
      if (!body.intake?.assignment?.hotlineOfficerId) {
        body.intake = { ...body.intake, assignment: { ...body.intake?.assignment, hotlineOfficerId: officer } };
      }
    }
    if (role === 'village_agent' && !body.intake?.assignment?.villageAdvisorId) {
      const advisor = await links.pointAdvisor(principal.userId);
      if (advisor)
        body.intake = { ...body.intake, assignment: { ...body.intake?.assignment, villageAdvisorId: advisor } };
    }
    // L-2: staff choose from the catalogue what the case requires besides the matter's defaults.
    if ((body.materialsRequired?.length ?? 0) > 0 && rolesFor('application.requireMaterials', principal).length === 0) {
      throw new ApiError(403, 'FORBIDDEN', '只有法律援助机构工作人员可以要求补正材料或说明');
    }
    // L-4: a notification case is registered from the organ's letter: no application, so no materials are owed.
    const notification = body.channel === 'notification';
    const entries = notification ? [] : await catalogue.catalogue();
    const required = notification
      ? []
      : refusingBadCodes(() =>
          requiredForIntake(entries, {
            matterCategory: body.matter.category,
            supplied: body.materialsSupplied,
            chosen: body.materialsRequired ?? [],
          }),
        );
    // S-3.2: accepting with documents missing needs the applicant's commitment, recorded at intake.
    if (missingMaterials(body.materialsSupplied, required).length > 0 && body.intake?.correctionCommitment !== true) {
      const message = '材料不全时须记录申请人承诺：逾期未补齐的，视为撤回申请或终止法律援助（S-3.2）';
      throw new ApiError(400, 'VALIDATION_FAILED', `请求内容不符合要求：intake.correctionCommitment ${message}`, [
        { path: 'intake.correctionCommitment', message },
      ]);
    }
    const filer = {
      userId: principal.userId,
      role,
      applicantSubject: role === 'applicant' ? principal.userId : undefined,
    };
    const result = await submitApplication(deps, key, body, filer, required);
    res.locals.applicationNo = result.applicationNo;
    // S-2.3: an elderly applicant or one with limited mobility is advised a home visit; when a village agent filed,
    // it is requested at the agent's service point (one per application: the request id is the application's).
    const birth = body.applicant.idNumber ? birthDateFromIdNumber(body.applicant.idNumber) : undefined;
    const advice = notification
      ? undefined
      : homeVisitNote(
          homeVisitReasons({
            ...body.eligibilityClaims,
            age: birth ? ageOn(birth, cstDateOf(new Date(result.receivedAt))) : undefined,
          }),
        );
    let visit: { id: string; servicePointId: string } | null = null;
    if (advice && role === 'village_agent') {
      const servicePointId = await village.agentPoint(principal.userId);
      if (servicePointId) {
        const requested = await village.requestVisit({
          servicePointId,
          applicationNo: result.applicationNo,
          note: advice,
          requestedBy: principal.userId,
          requestId: `application-home-visit:${result.applicationNo}`,
        });
        visit = { id: requested.visit.id, servicePointId };
      }
    }
    res
      .status(result.replayed ? 200 : 201)
      .setHeader('Location', `/applications/${result.applicationNo}`)
      .json({
        applicationNo: result.applicationNo,
        workflowId: result.workflowId,
        receivedAt: result.receivedAt,
        replayed: result.replayed,
        // Printed on the intake receipt (受理回执): with the number, it opens the public status lookup.
        statusCode: statusCode(deps.statusCodeSecret, result.applicationNo),
        homeVisit: advice ? { advice, visit } : null,
      });
  });

  // Work queues (admin API): filter by stage, agency, channel and due dates; only cases the caller may read; no
  // personal data in the rows.
  m.mount(C.list, async ({ query: q, principal }, _req, res) => {
    const scope = listScope(principal);
    const me = principal.userId;
    const [filed, mine] = await Promise.all([
      scope.filedBy
        ? deps.prisma.intakeRequest.findMany({ where: { filedBy: me }, select: { applicationNo: true } })
        : [],
      scope.applicant
        ? deps.prisma.intakeRequest.findMany({ where: { applicantSubject: me }, select: { applicationNo: true } })
        : [],
    ]);
    const visible: Prisma.ApplicationWhereInput[] = scope.all
      ? [{}]
      : [
          ...(scope.agencies.length ? [{ agencyCode: { in: scope.agencies } }] : []),
          ...(scope.lawyer ? [{ assignedMemberIds: { has: me } }] : []),
          ...(scope.institution ? [{ assignedInstitutionIds: { has: scope.institution } }] : []),
          ...(filed.length || mine.length
            ? [{ applicationNo: { in: [...filed, ...mine].map((r) => r.applicationNo) } }]
            : []),
        ];
    if (visible.length === 0) {
      res.json({ applications: [], next: null });
      return;
    }
    const rows = await deps.prisma.application.findMany({
      where: {
        AND: [
          { OR: visible },
          {
            stage: q.stage,
            agencyCode: q.agencyCode,
            channel: q.channel,
            correctionDueAt: q.correctionDueBefore ? { lt: new Date(q.correctionDueBefore) } : undefined,
            reviewDueAt: q.reviewDueBefore ? { lt: new Date(q.reviewDueBefore) } : undefined,
            applicationNo: q.after ? { gt: q.after } : undefined,
          },
        ],
      },
      orderBy: { applicationNo: 'asc' },
      take: q.limit,
      select: {
        applicationNo: true,
        agencyCode: true,
        channel: true,
        stage: true,
        stageEnteredAt: true,
        receivedAt: true,
        correctionDueAt: true,
        reviewDueAt: true,
        reviewRemainingMs: true,
      },
    });
    res.json({
      applications: rows.map((r) => ({
        ...r,
        stageLabel: STAGES[r.stage],
        reviewRemainingMs: r.reviewRemainingMs === null ? null : Number(r.reviewRemainingMs),
      })),
      next: rows.length === q.limit ? rows.at(-1)!.applicationNo : null,
    });
  });

  m.mount(C.read, onCase('application.read'), async ({ params: { applicationNo } }, _req, res) => {
    const app = await deps.prisma.application.findUnique({
      where: { applicationNo },
      include: { stageEvents: { orderBy: { seq: 'asc' } } },
    });
    if (!app) throw new ApiError(404, 'APPLICATION_NOT_RECORDED_YET', '申请已受理，记录正在生成，请稍后再试');
    res.json({
      applicationNo: app.applicationNo,
      agencyCode: app.agencyCode,
      channel: app.channel,
      stage: app.stage,
      stageLabel: STAGES[app.stage],
      stageEnteredAt: app.stageEnteredAt,
      receivedAt: app.receivedAt,
      correctionDueAt: app.correctionDueAt,
      review: {
        dueAt: app.reviewDueAt,
        paused: app.reviewRemainingMs !== null,
        remainingMs: app.reviewRemainingMs === null ? null : Number(app.reviewRemainingMs),
      },
      materials: await (async () => {
        const names = await catalogue.names([...app.materialsSupplied, ...app.materialsMissing]);
        return {
          supplied: materialView(app.materialsSupplied, names),
          missing: materialView(app.materialsMissing, names),
        };
      })(),
      decision: app.decidedAt
        ? { decidedAt: app.decidedAt, decidedBy: app.decidedBy, reason: app.decisionReason, late: app.decisionLate }
        : null,
      closedReason: app.closedReason,
      eligibility: app.eligibility,
      homeVisit: await (async () => {
        const checks = (app.intakeDetails as { checks?: IntakeCheck[] } | null)?.checks ?? [];
        const advice = checks.find((c) => c.ruleId === 'S-2.3')?.note;
        const visits = await village.visitsOf(app.applicationNo);
        return advice || visits.length
          ? {
              advice: advice ?? null,
              visits: visits.map((v) => ({
                id: v.id,
                servicePointId: v.servicePointId,
                status: v.status,
                statusLabel: VISIT_STATUSES[v.status as VisitStatus] ?? v.status,
              })),
            }
          : null;
      })(),
      intake: app.intakeDetails,
      verification: app.verification,
      applicant: app.applicant,
      matter: app.matter,
      economicSituation: app.economicSituation,
      history: app.stageEvents.map((e) => ({
        seq: e.seq,
        stage: e.stage,
        stageLabel: STAGES[e.stage],
        at: e.enteredAt,
        actor: e.actor,
        ruleIds: e.ruleIds,
        note: e.note,
      })),
    });
  });

  // The in-app inbox of the case: every notice queued for it (S-3.2 correction notice, reminders, termination...).
  m.mount(C.notices, onCase('application.read'), async ({ params: { applicationNo } }, _req, res) => {
    const rows = await deps.prisma.notification.findMany({
      // The applicant's notices; staff escalations and notices to institutions are in the timeline.
      where: { applicationNo, channel: 'inbox', recipient: 'applicant' },
      orderBy: { id: 'asc' },
    });
    res.json({
      notices: rows.map((n) => ({
        obligation: n.obligationKey,
        template: n.template,
        text: n.body,
        status: n.status,
        createdAt: n.createdAt,
        sentAt: n.sentAt,
      })),
    });
  });

  // The case's full timeline for staff: stage changes and other events with their rule ids and notes (decisions,
  // clock pauses, extensions, materials received) and every notice sent, in time order.
  m.mount(C.timeline, onCase('application.read'), async ({ params: { applicationNo } }, _req, res) => {
    const [events, notices] = await Promise.all([
      deps.prisma.applicationStageEvent.findMany({ where: { applicationNo }, orderBy: { seq: 'asc' } }),
      deps.prisma.notification.findMany({ where: { applicationNo, channel: 'inbox' }, orderBy: { id: 'asc' } }),
    ]);
    const timeline = [
      ...events.map((e) => ({
        at: e.enteredAt,
        kind: 'event' as const,
        stage: e.stage,
        stageLabel: STAGES[e.stage],
        actor: e.actor,
        ruleIds: e.ruleIds,
        note: e.note,
      })),
      ...notices.map((n) => ({
        at: n.createdAt,
        kind: 'notice' as const,
        obligation: n.obligationKey,
        recipient: n.recipient,
        text: n.body,
        status: n.status,
      })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    res.json({ applicationNo, timeline });
  });

  m.mount(C.state, onCase('application.read'), async ({ params: { applicationNo } }, _req, res) => {
    try {
      res.json(await handleFor(applicationNo).query(getState));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
      throw err;
    }
  });

  /** Sends a staff step to the case (api/steps.ts); a closed case answers 409 with `closedMessage`. */
  function act<Ret, Arg>(
    applicationNo: string,
    step: StepDefinition<Ret, Arg>,
    arg: Arg,
    updateId: string,
    closedMessage = '该申请已办结',
  ): Promise<Ret> {
    const handle = handleFor(applicationNo);
    const closed = new ApiError(409, 'CASE_CLOSED', closedMessage);
    return sendStep(answers, { handle, updateId, missing: notFound(applicationNo), closed }, step, arg);
  }
  const keyOf = (req: Request, principal: Principal) => requestIdOf(req, principal.userId, undefined);

  m.mount(C.supplyMaterials, onCase('application.supplyMaterials'), async ({ params, body, principal }, req, res) => {
    await assertSuppliable(deps.prisma, params.applicationNo, body.items, 'items');
    const input = { ...body, receivedBy: principal.userId };
    const updateId = `materials:${keyOf(req, principal)}`;
    res.json(await act(params.applicationNo, supplyMaterials, input, updateId, '该申请已办结，不再接收补正材料'));
  });

  // S-3.1: verification tasks, their results, and settling the statement.
  m.mount(C.requestVerification, onCase('application.verify'), async ({ params, body, principal }, req, res) => {
    // S-3.1, S-2.1: a field check may be commissioned to a service point of the case's agency (the applicant's village).
    if (body.servicePointId) {
      const [point, app] = await Promise.all([
        village.point(body.servicePointId),
        loadApplicationScope(deps.prisma, params.applicationNo),
      ]);
      if (!point) {
        throw new ApiError(404, 'SERVICE_POINT_NOT_FOUND', `没有编号为 ${body.servicePointId} 的村居法律服务点`);
      }
      if (point.agencyCode !== app?.agencyCode) {
        throw new ApiError(
          422,
          'SERVICE_POINT_OTHER_AGENCY',
          '只能委托本法律援助机构的村居法律服务点进行实地核实（S-3.1，S-2.1）',
        );
      }
    }
    const input = { ...body, requestedBy: principal.userId };
    res.json(await act(params.applicationNo, requestVerification, input, `verify-task:${keyOf(req, principal)}`));
  });

  m.mount(
    C.reportVerification,
    onCase('application.reportVerification'),
    async ({ params: { applicationNo, taskId }, body, principal }, req, res) => {
      // S-2.1, S-3.1: village agents and advisors report field checks only (task ids are `<route>-<n>`).
      const roles = rolesFor('application.reportVerification', principal);
      if (roles.every((r) => r === 'village_agent' || r === 'village_advisor') && !taskId.startsWith('field_check-')) {
        throw new ApiError(403, 'FORBIDDEN', '村居代办人员只能报告实地核实的结果（S-2.1）');
      }
      const input = { ...body, taskId, resultBy: principal.userId };
      res.json(await act(applicationNo, recordVerificationResult, input, `verify-result:${keyOf(req, principal)}`));
    },
  );

  m.mount(C.settleVerification, onCase('application.verify'), async ({ params, body, principal }, req, res) => {
    const input = { ...body, settledBy: principal.userId };
    res.json(await act(params.applicationNo, settleVerification, input, `verify-settle:${keyOf(req, principal)}`));
  });

  // L-9: terminate legal aid on a statutory ground (a signal; the stage is checked here for a clear answer).
  m.mount(
    C.terminate,
    onCase('application.terminate'),
    async ({ params: { applicationNo }, body, principal }, _req, res) => {
      const handle = handleFor(applicationNo);
      let state;
      try {
        state = await handle.query(getState);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
        throw err;
      }
      if (!terminable(state) || (await isClosed(applicationNo))) {
        throw new ApiError(
          422,
          'INVALID_TRANSITION',
          `申请当前处于「${STAGES[state.stage]}」阶段，不能终止法律援助（L-9）`,
        );
      }
      await handle.signal(terminateAid, { ...body, terminatedBy: principal.userId });
      res.status(202).json({ applicationNo, accepted: true });
    },
  );

  // S-2.9, S-2.10, S-3.3: the agency assigns where a person must act (a priority, a major case, nobody eligible).
  m.mount(C.assign, onCase('application.assign'), async ({ params, body, principal }, req, res) => {
    if (body.method === 'discussion' && rolesFor('application.assignMajor', principal).length === 0) {
      throw new ApiError(403, 'FORBIDDEN', '重大疑难案件须由机构负责人在集体讨论后指派（S-2.9(f)）');
    }
    const input = { ...body, assignedBy: principal.userId };
    res.json(await act(params.applicationNo, assignCase, input, `assign:${keyOf(req, principal)}`));
  });

  /** The live assignment, for checks that depend on who holds which place on the case. */
  async function assignmentOf(applicationNo: string) {
    try {
      return (await handleFor(applicationNo).query(getState)).assignment;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
      throw err;
    }
  }
  const notYours = () => new ApiError(403, 'FORBIDDEN', '只能处理本机构或本人承办的指派');

  // S-2.10: the institution confirms its member (the one whose turn it was, or another of its members).
  m.mount(
    C.confirmMember,
    onCase('application.confirmMember'),
    async ({ params: { applicationNo }, body, principal }, req, res) => {
      const agency = rolesFor('application.confirmMember', principal).some((r) => r !== 'institution');
      if (!agency) {
        const slot = (await assignmentOf(applicationNo))?.slots.find((s) => s.ledgerSeq === body.ledgerSeq);
        if (slot && slot.institutionId !== principal.institution) throw notYours();
      }
      const input = {
        ...body,
        confirmedBy: principal.userId,
        by: agency ? ('agency' as const) : ('institution' as const),
      };
      res.json(await act(applicationNo, confirmMember, input, `confirm-member:${keyOf(req, principal)}`));
    },
  );

  // S-2.10: conflict of interest or inability, reported by the member, their institution, or agency staff.
  m.mount(
    C.reportConflict,
    onCase('application.reportConflict'),
    async ({ params: { applicationNo }, body, principal }, req, res) => {
      const roles = rolesFor('application.reportConflict', principal);
      if (!roles.some((r) => r === 'agency_staff' || r === 'agency_head')) {
        const slot = (await assignmentOf(applicationNo))?.slots.find(
          (s) => !s.releasedAt && (s.memberId ?? s.proposedMemberId) === body.memberId,
        );
        const own =
          (roles.includes('lawyer') && body.memberId === principal.userId && body.scope === 'member') ||
          (roles.includes('institution') && slot !== undefined && slot.institutionId === principal.institution);
        if (!own) throw notYours();
      }
      const input = { ...body, reportedBy: principal.userId };
      res.json(await act(applicationNo, reportConflict, input, `conflict:${keyOf(req, principal)}`));
    },
  );

  // L-11: the agency grants the aided person's request to replace the member.
  m.mount(C.replaceMember, onCase('application.replaceMember'), async ({ params, body, principal }, req, res) => {
    const input = { ...body, decidedBy: principal.userId };
    res.json(await act(params.applicationNo, replaceMember, input, `replace:${keyOf(req, principal)}`));
  });

  // L-10: objection to a refusal, and the justice bureau's decision on it.
  m.mount(C.object, onCase('application.object'), async ({ params, body, principal }, req, res) => {
    const input = { ...body, filedBy: principal.userId };
    const updateId = `objection:${keyOf(req, principal)}`;
    res.json(await act(params.applicationNo, fileObjection, input, updateId, '该申请已办结，异议期限已过'));
  });

  m.mount(C.decideObjection, onCase('application.decideObjection'), async ({ params, body, principal }, req, res) => {
    const input = { ...body, decidedBy: principal.userId };
    const updateId = `objection-decision:${keyOf(req, principal)}`;
    res.json(await act(params.applicationNo, decideObjection, input, updateId));
  });

  m.mount(
    // The rules in force cap the extension (the contract's default shows the text's value).
    { ...C.extendDeadline, body: extendDeadlineBody(deps.rules.maxExtensionDays) },
    onCase('application.extendDeadline'),
    async ({ params, body, principal }, req, res) => {
      const input = { ...body, extendedBy: principal.userId };
      const updateId = `extension:${keyOf(req, principal)}`;
      const closed = '该申请已办结，不能延长补正期限';
      res.json(await act(params.applicationNo, extendCorrectionDeadline, input, updateId, closed));
    },
  );

  // L-4: a notification the agency cannot act on goes back to the organ with the reasons (never a refusal).
  m.mount(C.returnToOrgan, onCase('application.returnToOrgan'), async ({ params, body, principal }, req, res) => {
    const input = { ...body, returnedBy: principal.userId };
    const updateId = `return-to-organ:${keyOf(req, principal)}`;
    res.json(await act(params.applicationNo, returnToOrgan, input, updateId, '该案件已办结，不能退回通知机关'));
  });

  m.mount(C.decide, onCase('application.decide'), async ({ params, body, principal }, req, res) => {
    const requestId = keyOf(req, principal);
    const input = { ...body, decidedBy: principal.userId, requestId };
    // A repeat after the case closed on this very decision gets its stored answer (platform/step-client.ts).
    const closed = '该申请已办结，不能再作出决定';
    res.json(await act(params.applicationNo, decide, input, `decision:${requestId}`, closed));
  });
}
