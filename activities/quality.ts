/**
 * S-4.4 scoring sheets, for the evaluation workflow: `scoringSheetFor` is the activity it calls, the latest version of
 * a kind in force on a China date. Loading sheets and reading the stored evaluations is the API's
 * (repositories/quality.ts).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES } from '../domain/definitions';
import { SHEET_KINDS, type ScoringSheet, type SheetKind } from '../domain/scoring-sheets';
import type { PrismaClient } from '../prisma/generated/client';
import { dateColumn, sheetOf } from '../repositories/quality';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createQualityActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /**
     * S-4.4, for the evaluation workflow: the sheet of `kind` in force on the China date `on` (the highest version
     * whose `effectiveFrom` is on or before it), or null when none is loaded yet.
     */
    async scoringSheetFor(args: { kind: SheetKind; on: string }): Promise<ScoringSheet | null> {
      if (!(args.kind in SHEET_KINDS) || !DATE.test(args.on)) {
        throw ApplicationFailure.nonRetryable('评分表类型或日期不正确', ERROR_TYPES.invalidInput);
      }
      const row = await prisma.scoringSheet.findFirst({
        where: { kind: args.kind, effectiveFrom: { lte: dateColumn(args.on) } },
        orderBy: { version: 'desc' },
      });
      return row ? sheetOf(row) : null;
    },
  };
}

export type QualityActivities = ReturnType<typeof createQualityActivities>;
