/**
 * S-4.4 quality evaluation over HTTP.
 *
 * /quality/sheets: the scoring sheets (评分表) as versioned data. The Zhejiang items are not in our texts, so the
 * city centre loads them; a sheet is never edited (same id and content again: 200; other content: 409; a (kind,
 * version) already taken: 409). Readable by everyone who scores, is scored or supervises.
 *
 * /evaluations: the stored evaluations (written by the evaluation workflow only), read per api/auth/access.ts:
 * the agency and city-wide roles, evaluators and experts of the agency, a lawyer their own cases, an institution its
 * members' cases. Reads and loads are audited (ids only).
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { createQualityActivities, QualityLookupError } from '../activities/quality';
import { evaluationListScope, mayReadEvaluation, rolesFor, type Action } from './auth/access';
import { audit, authorize, principalOf, type AuditSink } from './auth/middleware';
import { ApiError } from './errors';
import { perMinute } from './limits';
import { applicationNoParams, createSheetBody, evaluationsQuery, sheetParams, sheetsQuery } from './schemas';

export interface QualityDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');

/** Audits under `action` with the target's id, read before the handler runs (refusals are audited too). */
const auditing = (deps: QualityDeps, action: Action, targetType: string, targetOf: (req: Request) => unknown) =>
  audit(deps.auditSink, deps.onAuditError, action, targetType, (req) => {
    const id = targetOf(req);
    return typeof id === 'string' ? id.slice(0, 64) : undefined;
  });

export function qualityRouter(deps: QualityDeps): Router {
  const router = Router();
  const quality = createQualityActivities({ prisma: deps.prisma });
  router.use(deps.authenticate);

  router.post(
    '/sheets',
    perMinute(deps.limits.actionsPerMinute),
    auditing(deps, 'quality.sheets.manage', 'scoring_sheet', (req) => (req.body as { id?: unknown } | undefined)?.id),
    authorize('quality.sheets.manage'),
    async (req, res) => {
      const body = createSheetBody.parse(req.body);
      const { sheet, replayed } = await quality.loadScoringSheet({ ...body, loadedBy: principalOf(res).userId });
      res
        .status(replayed ? 200 : 201)
        .setHeader('Location', `/quality/sheets/${sheet.id}`)
        .json({ sheet, replayed });
    },
  );

  router.get('/sheets', authorize('quality.sheets.read'), async (req, res) => {
    const q = sheetsQuery.parse(req.query);
    res.json({ sheets: await quality.listScoringSheets(q) });
  });

  router.get('/sheets/:id', authorize('quality.sheets.read'), async (req, res) => {
    const { id } = sheetParams.parse(req.params);
    const sheet = await quality.scoringSheet(id);
    if (!sheet) throw new QualityLookupError('SCORING_SHEET_NOT_FOUND', `没有编号为 ${id} 的评分表`);
    res.json({ sheet });
  });
  return router;
}

export function evaluationsRouter(deps: QualityDeps): Router {
  const router = Router();
  const quality = createQualityActivities({ prisma: deps.prisma });
  router.use(deps.authenticate);

  router.get(
    '/',
    auditing(deps, 'evaluations.read', 'evaluation', () => undefined),
    authorize('evaluations.read'),
    async (req, res) => {
      const q = evaluationsQuery.parse(req.query);
      const principal = principalOf(res);
      const scope = evaluationListScope(principal);
      const visible: Prisma.EvaluationWhereInput[] = scope.all
        ? [{}]
        : [
            ...(scope.agencies.length ? [{ agencyCode: { in: scope.agencies } }] : []),
            ...(scope.memberId ? [{ memberId: scope.memberId }] : []),
            ...(scope.institution ? [{ institutionId: scope.institution }] : []),
          ];
      res.json(await quality.listEvaluations({ ...q, visible }));
    },
  );

  router.get(
    '/:applicationNo',
    auditing(deps, 'evaluations.read', 'evaluation', (req) => req.params.applicationNo),
    async (req, res) => {
      const principal = principalOf(res);
      if (rolesFor('evaluations.read', principal).length === 0) throw forbidden();
      const { applicationNo } = applicationNoParams.parse(req.params);
      const evaluation = await quality.evaluation(applicationNo);
      if (!evaluation) {
        throw new QualityLookupError('EVALUATION_NOT_FOUND', `编号为 ${applicationNo} 的案件尚无质量评估记录`);
      }
      if (!mayReadEvaluation(principal, evaluation)) throw forbidden();
      res.json({ evaluation });
    },
  );
  return router;
}
