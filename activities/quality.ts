/**
 * S-4.4 scoring sheets, for the evaluation workflow: `scoringSheetFor` is the activity it calls, the latest version of
 * a kind in force on a China date. Loading sheets and reading the stored evaluations is the API's
 * (repositories/quality.ts).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES } from '../domain/definitions';
import { CITY_SHEETS, SHEET_KINDS, type ScoringSheet, type SheetKind } from '../domain/scoring-sheets';
import type { PrismaClient } from '../prisma/generated/client';
import { dateColumn, sheetOf } from '../repositories/quality';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createQualityActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /**
     * S-4.4, for the evaluation workflow: the sheet of `kind` in force on the China date `on` (the highest version
     * whose `effectiveFrom` is on or before it) of the case's county centre (`agencyCode`), or where it has none the
     * city's; null when none is loaded yet.
     */
    async scoringSheetFor(args: { kind: SheetKind; on: string; agencyCode?: string }): Promise<ScoringSheet | null> {
      if (!(args.kind in SHEET_KINDS) || !DATE.test(args.on)) {
        throw ApplicationFailure.nonRetryable('评分表类型或日期不正确', ERROR_TYPES.invalidInput);
      }
      // S-4.4: the county centre's own sheet in force, else the city's.
      for (const agencyCode of [...new Set([args.agencyCode ?? CITY_SHEETS, CITY_SHEETS])]) {
        const row = await prisma.scoringSheet.findFirst({
          where: { agencyCode, kind: args.kind, effectiveFrom: { lte: dateColumn(args.on) } },
          orderBy: { version: 'desc' },
        });
        if (row) return sheetOf(row);
      }
      return null;
    },
  };
}

export type QualityActivities = ReturnType<typeof createQualityActivities>;
