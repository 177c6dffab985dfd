/**
 * L-2, S-3.2 /correction-items: the correction catalogue (材料目录). The city centre and the agency heads add items
 * and change or stop them (every change audited, with who and when on the item); a change never alters a case
 * already accepted (intake copied its items into the case). Data: repositories/correction-items.ts.
 */
import { activeEntry, CorrectionItemError } from '../domain/materials';
import type { PrismaClient } from '../prisma/generated/client';
import { createCorrectionItemRepository } from '../repositories/correction-items';
import { correctionItemRoutes } from './contract/correction-items';
import { ApiError } from './errors';
import type { Mounter } from './mount';

/**
 * L-2: a catalogue code the catalogue does not have, has stopped, or that does not fit the case is bad input: 400
 * VALIDATION_FAILED with the field, like the body's own checks (the catalogue's reason in `details[].reason`).
 */
export function refusingBadCodes<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof CorrectionItemError)) throw err;
    throw new ApiError(400, 'VALIDATION_FAILED', `请求内容不符合要求：${err.path} ${err.message}`, [
      { path: err.path, message: err.message, reason: err.code },
    ]);
  }
}

/**
 * L-2: codes supplied for a case (materials, photos of them) are the case's: items its notice asked for (an item
 * stopped since still counts for it) or already supplied; before the case is recorded, any active item.
 */
export async function assertSuppliable(
  prisma: PrismaClient,
  applicationNo: string,
  codes: readonly string[],
  field: string,
): Promise<void> {
  const app = await prisma.application.findUnique({
    where: { applicationNo },
    select: { materialsSupplied: true, materialsMissing: true },
  });
  const ofCase = app ? [...app.materialsSupplied, ...app.materialsMissing] : [];
  const entries = await createCorrectionItemRepository({ prisma }).catalogue();
  refusingBadCodes(() =>
    codes.forEach((code, i) => {
      const path = codes.length === 1 && field !== 'items' ? field : `${field}.${i}`;
      const entry = activeEntry(entries, code, ofCase, path);
      if (app && !ofCase.includes(code)) {
        throw new CorrectionItemError('CORRECTION_ITEM_NOT_REQUIRED', `本案的补正通知未要求「${entry.name}」`, path);
      }
    }),
  );
}

export function mountCorrectionItems(m: Mounter, deps: { prisma: PrismaClient }): void {
  const C = correctionItemRoutes;
  const items = createCorrectionItemRepository({ prisma: deps.prisma });

  m.mount(C.listItems, async ({ query }, _req, res) => {
    const active = query.active === undefined ? undefined : query.active === 'true';
    res.json({ items: await items.list({ matterCategory: query.matterCategory, active }) });
  });

  m.mount(C.createItem, async ({ body, principal }, _req, res) => {
    const { item, replayed } = await items.create(body, principal.userId);
    res
      .status(replayed ? 200 : 201)
      .setHeader('Location', `/correction-items/${item.code}`)
      .json({ item, replayed });
  });

  m.mount(C.updateItem, async ({ params: { code }, body, principal }, _req, res) => {
    res.json({ item: await items.update(code, body, principal.userId) });
  });
}
