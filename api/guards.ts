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
 * S-3.1, S-2.1: who may report the case's open field checks: the people of the service point each is commissioned to
 * (`servicePointId`, any case), and for one without, the people of the filing agent's or advisor's point(s).
 */
async function fieldCheckReporters(
  prisma: PrismaClient,
  applicationNo: string,
  intake: { filedBy: string | null; filedByRole: string | null } | null,
): Promise<string[]> {
  const app = await prisma.application.findUnique({ where: { applicationNo }, select: { verification: true } });
  const v = app?.verification as {
    status?: string;
    tasks?: Array<{ route: string; result?: string; servicePointId?: string }>;
  } | null;
  if (v?.status !== 'pending') return [];
  const open = (v.tasks ?? []).filter((t) => t.route === 'field_check' && !t.result);
  if (open.length === 0) return [];
  const points = [...new Set(open.flatMap((t) => (t.servicePointId ? [t.servicePointId] : [])))];
  const byFiler =
    open.some((t) => !t.servicePointId) &&
    !!intake?.filedBy &&
    (intake.filedByRole === 'village_agent' || intake.filedByRole === 'village_advisor');
  const [commissioned, colleagues] = await Promise.all([
    points.length
      ? prisma.servicePointPerson.findMany({ where: { servicePointId: { in: points } }, select: { personId: true } })
      : [],
    byFiler ? createVillageRepository({ prisma }).colleaguesOf(intake.filedBy!) : [],
  ]);
  return [...new Set([...commissioned.map((p) => p.personId), ...colleagues])];
}

/** The case of the path's `applicationNo`: 404 when there is none, 403 when the caller may not act on it. */
export function caseGuard(prisma: PrismaClient, action: Action) {
  return async ({ params, principal }: { params: { applicationNo: string }; principal: Principal | undefined }) => {
    const scope = await loadApplicationScope(prisma, params.applicationNo);
    if (!scope) throw notFound(params.applicationNo);
    if (!principal || !mayActOn(action, principal, scope)) throw forbidden();
  };
}
