/**
 * S-4.4 scoring sheets (versioned data the city centre loads) and reads of the stored evaluations (the evaluation
 * workflow writes `evaluation`; nothing here does), for the API.
 *
 * Loading is idempotent by sheet id: the same sheet again is answered, different content under the same id or a
 * (kind, version) already taken is refused, so a sheet that scored cases is never changed under them. The sheet in
 * force for the evaluation workflow is the `scoringSheetFor` activity (activities/quality.ts).
 */
import { TIERS, validateSheet, type SheetItem, type Tier } from '../domain/quality';
import {
  canonicalItems,
  CITY_SHEETS,
  sameSheet,
  SHEET_KINDS,
  type ScoringSheet,
  type SheetKind,
} from '../domain/scoring-sheets';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { DomainError, lookupKind } from '../domain/errors';

/** Not found or already taken: the API maps these to 404 / 409. */
export class QualityLookupError extends DomainError {
  constructor(
    code: 'SCORING_SHEET_NOT_FOUND' | 'SCORING_SHEET_EXISTS' | 'SCORING_SHEET_VERSION_TAKEN' | 'EVALUATION_NOT_FOUND',
    message: string,
  ) {
    super(lookupKind(code), code, message);
  }
}

export interface ScoringSheetView extends ScoringSheet {
  kindLabel: string;
  loadedBy: string;
  loadedAt: string;
}

export interface EvaluationView {
  applicationNo: string;
  agencyCode: string;
  memberId: string;
  institutionId: string;
  status: string;
  special: boolean;
  /** The score in force, as a number (two decimals); null before scoring and for special cases. */
  score: number | null;
  tier: string | null;
  tierLabel: string | null;
  scoreVersion: number;
  year: number | null;
  finalizedAt: string | null;
  state: unknown;
  updatedAt: string;
}

type SheetRow = Prisma.ScoringSheetGetPayload<object>;
type EvaluationRow = Prisma.EvaluationGetPayload<object>;

/** A `@db.Date` column holds the calendar date at UTC midnight: the China date is its ISO date part. */
const dateOf = (d: Date) => d.toISOString().slice(0, 10);
export const dateColumn = (date: string) => new Date(`${date}T00:00:00.000Z`);

export const sheetOf = (r: SheetRow): ScoringSheet => ({
  id: r.id,
  kind: r.kind as SheetKind,
  version: r.version,
  title: r.title,
  items: r.items as unknown as SheetItem[],
  effectiveFrom: dateOf(r.effectiveFrom),
  agencyCode: r.agencyCode,
});

const sheetView = (r: SheetRow): ScoringSheetView => ({
  ...sheetOf(r),
  kindLabel: SHEET_KINDS[r.kind as SheetKind] ?? r.kind,
  loadedBy: r.loadedBy,
  loadedAt: r.loadedAt.toISOString(),
});

const evaluationView = (r: EvaluationRow): EvaluationView => ({
  applicationNo: r.applicationNo,
  agencyCode: r.agencyCode,
  memberId: r.memberId,
  institutionId: r.institutionId,
  status: r.status,
  special: r.special,
  score: r.score === null ? null : r.score.toNumber(),
  tier: r.tier,
  tierLabel: r.tier === null ? null : (TIERS[r.tier as Tier] ?? r.tier),
  scoreVersion: r.scoreVersion,
  year: r.year,
  finalizedAt: r.finalizedAt?.toISOString() ?? null,
  state: r.state,
  updatedAt: r.updatedAt.toISOString(),
});

const isUniqueViolation = (err: unknown) => (err as { code?: unknown }).code === 'P2002';

export interface EvaluationFilter {
  /** Who may see what (api/auth/access.ts `evaluationListScope`), OR-ed; `[{}]` for the whole city. */
  visible: Prisma.EvaluationWhereInput[];
  agencyCode?: string;
  status?: string;
  memberId?: string;
  institutionId?: string;
  year?: number;
  limit: number;
  after?: string;
}

export function createQualityRepository({ prisma }: { prisma: PrismaClient }) {
  return {
    /** Loads a sheet (city centre). Never edits: the same sheet again is answered; anything else conflicting is 409. */
    async loadScoringSheet(args: ScoringSheet & { loadedBy: string }): Promise<{
      sheet: ScoringSheetView;
      replayed: boolean;
    }> {
      validateSheet(args.items); // throws ScoreSheetError with the Chinese reason
      const { loadedBy, ...sheet } = args;
      for (let attempt = 0; ; attempt++) {
        const existing = await prisma.scoringSheet.findUnique({ where: { id: sheet.id } });
        if (existing) {
          if (!sameSheet(sheetOf(existing), sheet)) {
            throw new QualityLookupError(
              'SCORING_SHEET_EXISTS',
              `编号为 ${sheet.id} 的评分表已载入且内容不同；评分表不能修改，请以新版本载入`,
            );
          }
          return { sheet: sheetView(existing), replayed: true };
        }
        const agencyCode = sheet.agencyCode ?? CITY_SHEETS;
        const taken = await prisma.scoringSheet.findUnique({
          where: { agencyCode_kind_version: { agencyCode, kind: sheet.kind, version: sheet.version } },
        });
        if (taken) {
          throw new QualityLookupError(
            'SCORING_SHEET_VERSION_TAKEN',
            `${SHEET_KINDS[sheet.kind]}第 ${sheet.version} 版已载入（编号 ${taken.id}），请使用新的版本号`,
          );
        }
        try {
          const created = await prisma.scoringSheet.create({
            data: {
              id: sheet.id,
              kind: sheet.kind,
              version: sheet.version,
              title: sheet.title,
              items: canonicalItems(sheet.items) as unknown as Prisma.InputJsonValue,
              effectiveFrom: dateColumn(sheet.effectiveFrom),
              agencyCode,
              loadedBy,
            },
          });
          return { sheet: sheetView(created), replayed: false };
        } catch (err) {
          // A concurrent load of the same id or version won the race: answer it like any repeat (once).
          if (!isUniqueViolation(err) || attempt > 0) throw err;
        }
      }
    },

    /** Every loaded version (newest first), or with `on` the one in force per kind on that China date. */
    async listScoringSheets(args: { kind?: SheetKind; on?: string; agencyCode?: string }): Promise<ScoringSheetView[]> {
      const rows = await prisma.scoringSheet.findMany({
        where: {
          kind: args.kind,
          agencyCode: args.agencyCode,
          effectiveFrom: args.on ? { lte: dateColumn(args.on) } : undefined,
        },
        orderBy: [{ agencyCode: 'asc' }, { kind: 'asc' }, { version: 'desc' }],
        distinct: args.on ? ['agencyCode', 'kind'] : undefined,
      });
      return rows.map(sheetView);
    },

    async scoringSheet(id: string): Promise<ScoringSheetView | null> {
      const row = await prisma.scoringSheet.findUnique({ where: { id } });
      return row ? sheetView(row) : null;
    },

    /** Stored evaluations the caller may see, filtered, in application-number order, paged by `after`. */
    async listEvaluations(f: EvaluationFilter): Promise<{ evaluations: EvaluationView[]; next: string | null }> {
      if (f.visible.length === 0) return { evaluations: [], next: null };
      const rows = await prisma.evaluation.findMany({
        where: {
          AND: [
            { OR: f.visible },
            {
              agencyCode: f.agencyCode,
              status: f.status,
              memberId: f.memberId,
              institutionId: f.institutionId,
              year: f.year,
              applicationNo: f.after ? { gt: f.after } : undefined,
            },
          ],
        },
        orderBy: { applicationNo: 'asc' },
        take: f.limit,
      });
      return {
        evaluations: rows.map(evaluationView),
        next: rows.length === f.limit ? rows.at(-1)!.applicationNo : null,
      };
    },

    async evaluation(applicationNo: string): Promise<EvaluationView | null> {
      const row = await prisma.evaluation.findUnique({ where: { applicationNo } });
      return row ? evaluationView(row) : null;
    },
  };
}

export type QualityRepository = ReturnType<typeof createQualityRepository>;
