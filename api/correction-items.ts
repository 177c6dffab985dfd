/**
 * L-2, S-3.2 /correction-items: the correction catalogue (材料目录). The city centre and the agency heads add items
 * and change or stop them (every change audited, with who and when on the item); a change never alters a case
 * already accepted (intake copied its items into the case). Data: repositories/correction-items.ts.
 */
import type { PrismaClient } from '../prisma/generated/client';
import { createCorrectionItemRepository } from '../repositories/correction-items';
import { correctionItemRoutes } from './contract/correction-items';
import type { Mounter } from './mount';

export function mountCorrectionItems(m: Mounter, deps: { prisma: PrismaClient }): void {
  const C = correctionItemRoutes;
  const items = createCorrectionItemRepository({ prisma: deps.prisma });

  m.mount(C.listItems, async ({ query }, _req, res) => {
    const active = query.active === undefined ? undefined : query.active === 'true';
    res.json({ items: await items.list({ matterCategory: query.matterCategory, active }) });
  });

  m.mount(C.createItem, async ({ body, principal }, _req, res) => {
    const item = await items.create(body, principal.userId);
    res.status(201).setHeader('Location', `/correction-items/${item.code}`).json({ item });
  });

  m.mount(C.updateItem, async ({ params: { code }, body, principal }, _req, res) => {
    res.json({ item: await items.update(code, body, principal.userId) });
  });
}
