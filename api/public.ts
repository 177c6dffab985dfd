/**
 * Public, unauthenticated: an applicant's own status, by application number plus the status code from the intake
 * receipt. Rate-limited per client address; a wrong code and an unknown number get the same answer, so numbers
 * cannot be probed. Shows stage, what is still owed and by when, and the notices sent: no personal data.
 */
import type { Client } from '@temporalio/client';
import { deadlineText } from '../domain/deadlines';
import { dutyOfficerTitle } from '../domain/hotline';
import { createCorrectionItemRepository } from '../repositories/correction-items';
import { OBLIGATION_KINDS, OWNER_ROLES, type ObligationKind, type OwnerRole } from '../domain/obligations';
import { STAGES } from '../domain/stages';
import { cstDateOf, formatCst, startOfCstDay } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';
import { rotationOrder, type PoolMember } from '../domain/rotation';
import { publicRoutes } from './contract/public';
import { ApiError } from './errors';
import { currentCstYear, publishedResults } from './finance';
import type { Mounter } from './mount';
import { statusCodeMatches } from './status-code';
import { complaintFigures } from './complaints';
import { createComplaintRepository } from '../repositories/complaints';

export interface PublicDeps {
  prisma: PrismaClient;
  temporal: Client;
  statusCodeSecret: string;
}

export function mountPublic(m: Mounter, deps: PublicDeps): void {
  const C = publicRoutes;

  /** The notices sent to the applicant (in-app inbox); cases from before the outbox show their stage notes. */
  async function noticesFor(
    applicationNo: string,
    events: Array<{ note: string | null; enteredAt: Date; stage: keyof typeof STAGES }>,
  ) {
    const inbox = await deps.prisma.notification.findMany({
      where: { applicationNo, channel: 'inbox', status: 'sent', recipient: 'applicant' },
      orderBy: { id: 'asc' },
    });
    if (inbox.length > 0) return inbox.map((n) => ({ at: formatCst(n.sentAt ?? n.createdAt), text: n.body }));
    return events
      .filter((e) => e.note)
      .map((e) => ({ at: formatCst(e.enteredAt), stageLabel: STAGES[e.stage], text: e.note }));
  }

  m.mount(C.statusLookup, async ({ body }, _req, res) => {
    const { applicationNo, code } = body;
    const app = await deps.prisma.application.findUnique({
      where: { applicationNo },
      include: { stageEvents: { orderBy: { seq: 'asc' } } },
    });
    if (!app || !statusCodeMatches(deps.statusCodeSecret, applicationNo, code)) {
      throw new ApiError(404, 'STATUS_NOT_FOUND', '申请编号或查询码不正确');
    }
    res.locals.applicationNo = applicationNo;
    const owes =
      app.stage === 'awaiting_materials' && app.correctionDueAt
        ? {
            materials: await createCorrectionItemRepository(deps)
              .names(app.materialsMissing)
              .then((names) => app.materialsMissing.map((c) => names.get(c) ?? c)),
            dueAt: app.correctionDueAt,
            lastDay: cstDateOf(new Date(app.correctionDueAt.getTime() - 1)),
            message: `${deadlineText(app.correctionDueAt)}补齐上述材料，逾期视为撤回申请。`,
          }
        : null;
    // Issue 8: what the case waits on now and from whom (by role, never by person), with the due time.
    const open = await deps.prisma.obligation.findMany({
      where: { applicationNo, resolvedAt: null },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    });
    const waitingOn = open.map((o) => {
      const yours = o.ownerRole === 'applicant';
      const label = OBLIGATION_KINDS[o.kind as ObligationKind] ?? o.kind;
      const who = yours ? '您' : (OWNER_ROLES[o.ownerRole as OwnerRole] ?? o.ownerRole);
      // Civil Code art. 203: a last day moved off a rest day says why (因国庆节顺延).
      const moved = o.dueAt && o.dueMoved ? `（${o.dueMoved}）` : '';
      const due = o.dueAt ? `，期限 ${formatCst(o.dueAt)}${moved}` : '';
      return {
        kind: o.kind,
        label,
        owner: who,
        yours,
        since: formatCst(o.since),
        dueAt: o.dueAt,
        ...(o.dueMoved ? { dueMoved: o.dueMoved } : {}),
        ruleId: o.ruleId,
        text: `等待${who}${label}${due}（${o.ruleId}）`,
      };
    });
    // S-2.6: a duty officer who filed the application is shown by public title only.
    const intake = await deps.prisma.intakeRequest.findUnique({ where: { applicationNo } });
    const filedBy = intake?.filedByRole === 'hotline_officer' ? dutyOfficerTitle(app.agencyCode) : null;
    res.json({
      applicationNo,
      filedBy,
      stage: app.stage,
      stageLabel: STAGES[app.stage],
      since: formatCst(app.stageEnteredAt),
      owes,
      waitingOn,
      closedReason: app.closedReason,
      notices: await noticesFor(applicationNo, app.stageEvents),
    });
  });
  // S-2.9: the rotation order and its ledger are public to institutions, so any firm can check the rotation was fair.
  // Staff ids and institution ids only; no case details beyond the application number.
  m.mount(C.rotation, async ({ params: { agencyCode } }, _req, res) => {
    const institutions = await deps.prisma.poolInstitution.findMany({
      where: { agencyCode },
      orderBy: { listOrder: 'asc' },
      include: { members: { orderBy: { id: 'asc' } } },
    });
    const members = institutions.flatMap((i) =>
      i.members.map((m) => ({ ...m, status: m.status as PoolMember['status'] })),
    );
    const byId = new Map(members.map((m) => [m.id, m]));
    const ledger = await deps.prisma.rotationLedger.findMany({
      where: { agencyCode },
      orderBy: { seq: 'desc' },
      take: 100,
    });
    res.json({
      agencyCode,
      order: rotationOrder(institutions, members).map((id, place) => ({
        place: place + 1,
        memberId: id,
        institutionId: byId.get(id)!.institutionId,
        status: byId.get(id)!.status,
        turnsUsed: byId.get(id)!.turns,
      })),
      ledger: ledger.map((e) => ({
        seq: e.seq,
        at: e.at,
        applicationNo: e.applicationNo,
        purpose: e.purpose,
        next: e.nextMemberId,
        chosen: e.chosenId,
        rule: e.rule,
        turn: e.turn,
        skipped: e.skipped,
        // S-2.10, L-11: releases and reassignments say why, whom they released and what happened to the turn.
        institutionId: e.institutionId,
        reason: e.reason,
        released: e.releasedId,
        releasedTurn: e.releasedTurn,
      })),
    });
  });

  // S-4.6, L-15: quality results and the subsidies paid are published: counts per tier, and per institution and member
  // (ids only, no names, no case numbers) cases by tier and payout totals.
  m.mount(C.results, async ({ params: { agencyCode }, query: { year } }, _req, res) => {
    const y = year ?? currentCstYear();
    // L-15 with L-13: the year's complaints are published as counts (by ground and outcome), never by name.
    const rows = await createComplaintRepository(deps).figures({
      agencyCode,
      receivedAt: { gte: startOfCstDay(`${y}-01-01`), lt: startOfCstDay(`${y + 1}-01-01`) },
    });
    const { total, byGround, byOutcome, averageDaysToAccept, averageDaysToResolve } = complaintFigures(rows);
    res.json({
      ...(await publishedResults(deps.prisma, agencyCode, y)),
      complaints: { total, byGround, byOutcome, averageDaysToAccept, averageDaysToResolve },
    });
  });
}
