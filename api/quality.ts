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
import type { RequestHandler } from 'express';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { createQualityRepository, QualityLookupError } from '../repositories/quality';
import { evaluationListScope, mayActOnAgency, mayReadEvaluation } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { qualityRoutes } from './contract/quality';
import { forbidden } from './guards';
import type { Mounter } from './mount';

export interface QualityDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
}

/** /quality/sheets and /evaluations. */
export function mountQuality(m: Mounter, deps: QualityDeps): void {
  const C = qualityRoutes;
  const quality = createQualityRepository({ prisma: deps.prisma });

  m.mount(C.createSheet, async ({ body, principal }, _req, res) => {
    // S-4.4: the city centre loads the city's sheets and any county's; a county head only its own county's.
    if (!mayActOnAgency('quality.sheets.manage', principal, body.agencyCode)) throw forbidden();
    const { sheet, replayed } = await quality.loadScoringSheet({ ...body, loadedBy: principal.userId });
    res
      .status(replayed ? 200 : 201)
      .setHeader('Location', `/quality/sheets/${sheet.id}`)
      .json({ sheet, replayed });
  });

  m.mount(C.listSheets, async ({ query }, _req, res) => {
    res.json({ sheets: await quality.listScoringSheets(query) });
  });

  m.mount(C.readSheet, async ({ params: { id } }, _req, res) => {
    const sheet = await quality.scoringSheet(id);
    if (!sheet) throw new QualityLookupError('SCORING_SHEET_NOT_FOUND', `没有编号为 ${id} 的评分表`);
    res.json({ sheet });
  });

  m.mount(C.listEvaluations, async ({ query, principal }, _req, res) => {
    const scope = evaluationListScope(principal);
    const visible: Prisma.EvaluationWhereInput[] = scope.all
      ? [{}]
      : [
          ...(scope.agencies.length ? [{ agencyCode: { in: scope.agencies } }] : []),
          ...(scope.memberId ? [{ memberId: scope.memberId }] : []),
          ...(scope.institution ? [{ institutionId: scope.institution }] : []),
        ];
    res.json(await quality.listEvaluations({ ...query, visible }));
  });

  m.mount(C.readEvaluation, async ({ params: { applicationNo }, principal }, _req, res) => {
    const evaluation = await quality.evaluation(applicationNo);
    if (!evaluation) {
      throw new QualityLookupError('EVALUATION_NOT_FOUND', `编号为 ${applicationNo} 的案件尚无质量评估记录`);
    }
    if (!mayReadEvaluation(principal, evaluation)) throw forbidden();
    res.json({ evaluation });
  });
}
