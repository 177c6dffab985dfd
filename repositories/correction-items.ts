/**
 * L-2, S-3.2: the correction catalogue (材料目录, `correction_item`), stored: what a correction notice may require,
 * each item with its legal basis. The admin routes (api/correction-items.ts) keep it; intake and the materials route
 * read it to check codes and to copy the items a case requires into the case.
 */
import { DomainError, lookupKind } from '../domain/errors';
import type { CatalogueEntry, CorrectionKind } from '../domain/materials';
import type { Prisma, PrismaClient } from '../prisma/generated/client';

type Row = Prisma.CorrectionItemGetPayload<object>;

export class CorrectionItemLookupError extends DomainError {
  constructor(code: 'CORRECTION_ITEM_NOT_FOUND' | 'CORRECTION_ITEM_EXISTS', message: string) {
    super(lookupKind(code), code, message);
  }
}

const entryOf = (r: Row): CatalogueEntry => ({
  code: r.code,
  name: r.name,
  kind: r.kind as CorrectionKind,
  legalBasis: r.legalBasis,
  matterCategories: r.matterCategories,
  requiredByDefault: r.requiredByDefault,
  active: r.active,
  position: r.position,
});

export const correctionItemView = (r: Row) => ({
  ...entryOf(r),
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt.toISOString(),
});

export interface CorrectionItemFields {
  name: string;
  kind: CorrectionKind;
  legalBasis: string;
  matterCategories: string[];
  requiredByDefault: boolean;
  active: boolean;
  position: number;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';
const isNotFound = (err: unknown) => (err as { code?: string }).code === 'P2025';

export function createCorrectionItemRepository({ prisma }: { prisma: PrismaClient }) {
  const notFound = (code: string) =>
    new CorrectionItemLookupError('CORRECTION_ITEM_NOT_FOUND', `材料目录中没有代码为 ${code} 的事项`);
  return {
    /** The whole catalogue, in its order (inactive items too: a case may still require one). */
    async catalogue(): Promise<CatalogueEntry[]> {
      const rows = await prisma.correctionItem.findMany({ orderBy: [{ position: 'asc' }, { code: 'asc' }] });
      return rows.map(entryOf);
    },

    async list(filter: { matterCategory?: string; active?: boolean }) {
      const rows = await prisma.correctionItem.findMany({
        where: {
          active: filter.active,
          ...(filter.matterCategory
            ? {
                OR: [{ matterCategories: { isEmpty: true } }, { matterCategories: { has: filter.matterCategory } }],
              }
            : {}),
        },
        orderBy: [{ position: 'asc' }, { code: 'asc' }],
      });
      return rows.map(correctionItemView);
    },

    /** A new item; the same item again (same content) answers the stored one, other content is a conflict. */
    async create(
      input: { code: string } & Omit<CorrectionItemFields, 'position'> & { position?: number },
      by: string,
    ): Promise<{ item: ReturnType<typeof correctionItemView>; replayed: boolean }> {
      const position =
        input.position ??
        ((await prisma.correctionItem.aggregate({ _max: { position: true } }))._max.position ?? 0) + 10;
      try {
        const row = await prisma.correctionItem.create({ data: { ...input, position, updatedBy: by } });
        return { item: correctionItemView(row), replayed: false };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const existing = await prisma.correctionItem.findUnique({ where: { code: input.code } });
        const same =
          existing &&
          existing.name === input.name &&
          existing.kind === input.kind &&
          existing.legalBasis === input.legalBasis &&
          existing.requiredByDefault === input.requiredByDefault &&
          existing.active === input.active &&
          (input.position === undefined || existing.position === input.position) &&
          [...existing.matterCategories].sort().join() === [...input.matterCategories].sort().join();
        if (same) return { item: correctionItemView(existing), replayed: true };
        throw new CorrectionItemLookupError('CORRECTION_ITEM_EXISTS', `材料目录中已有代码为 ${input.code} 的事项`);
      }
    },

    async update(code: string, patch: Partial<CorrectionItemFields>, by: string) {
      try {
        const row = await prisma.correctionItem.update({
          where: { code },
          data: { ...patch, updatedBy: by, updatedAt: new Date() },
        });
        return correctionItemView(row);
      } catch (err) {
        if (isNotFound(err)) throw notFound(code);
        throw err;
      }
    },

    /** Names by code, for reads of a case's materials (codes the catalogue no longer has keep their code). */
    async names(codes: readonly string[]): Promise<Map<string, string>> {
      if (codes.length === 0) return new Map();
      const rows = await prisma.correctionItem.findMany({
        where: { code: { in: [...new Set(codes)] } },
        select: { code: true, name: true },
      });
      return new Map(rows.map((r) => [r.code, r.name]));
    },
  };
}

export type CorrectionItemRepository = ReturnType<typeof createCorrectionItemRepository>;
