/**
 * Object-level checks (OWASP API1) as route guards (api/mount.ts): after the permission table's role check, the
 * object named in the path decides — a case by its agency, lawyers, institutions, applicant and filer.
 */
import type { PrismaClient } from '../prisma/generated/client';
import { createVillageRepository } from '../repositories/village';
import { mayActOn, type Action, type ApplicationScope, type Principal } from './auth/access';
import { ApiError, notFound } from './errors';

export const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');

export async function loadApplicationScope(
  prisma: PrismaClient,
  applicationNo: string,
): Promise<ApplicationScope | null> {
  const [intake, app] = await Promise.all([
    prisma.intakeRequest.findUnique({ where: { applicationNo } }),
    prisma.application.findUnique({
      where: { applicationNo },
      select: { agencyCode: true, assignedMemberIds: true, assignedInstitutionIds: true },
    }),
  ]);
  const agencyCode = app?.agencyCode ?? intake?.agencyCode;
  if (!agencyCode) return null;
  return {
    agencyCode,
    filedBy: intake?.filedBy ?? null,
    applicantSubject: intake?.applicantSubject ?? null,
    assignedMemberIds: app?.assignedMemberIds ?? [],
    assignedInstitutionIds: app?.assignedInstitutionIds ?? [],
    fieldCheckReporters: await fieldCheckReporters(prisma, applicationNo, intake),
  };
}

/**
 * S-3.1, S-2.1: the people of the filing agent's service point(s), while the case has an open field check; only for
 * cases filed through a village agent or advisor (no extra query for the others).
 */
async function fieldCheckReporters(
  prisma: PrismaClient,
  applicationNo: string,
  intake: { filedBy: string | null; filedByRole: string | null } | null,
): Promise<string[]> {
  if (!intake?.filedBy || (intake.filedByRole !== 'village_agent' && intake.filedByRole !== 'village_advisor')) {
    return [];
  }
  const [app, people] = await Promise.all([
    prisma.application.findUnique({ where: { applicationNo }, select: { verification: true } }),
    createVillageRepository({ prisma }).colleaguesOf(intake.filedBy),
  ]);
  const v = app?.verification as { status?: string; tasks?: Array<{ route: string; result?: string }> } | null;
  const open = v?.status === 'pending' && (v.tasks ?? []).some((t) => t.route === 'field_check' && !t.result);
  return open ? people : [];
}

/** The case of the path's `applicationNo`: 404 when there is none, 403 when the caller may not act on it. */
export function caseGuard(prisma: PrismaClient, action: Action) {
  return async ({ params, principal }: { params: { applicationNo: string }; principal: Principal | undefined }) => {
    const scope = await loadApplicationScope(prisma, params.applicationNo);
    if (!scope) throw notFound(params.applicationNo);
    if (!principal || !mayActOn(action, principal, scope)) throw forbidden();
  };
}
