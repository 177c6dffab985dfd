/**
 * L-2, S-3.2: the correction catalogue (材料目录): what a correction notice may require — materials to supply and
 * matters to explain (作出说明), each with its legal basis and the matters it applies to. The city centre and the
 * agency heads keep it; everyone who works on cases reads it (no personal data in it).
 */
import { z } from 'zod';
import { CORRECTION_KIND_CODES } from '../../domain/materials';
import {
  correctionItemParams,
  correctionItemsQuery,
  createCorrectionItemBody,
  updateCorrectionItemBody,
} from '../schemas';
import { instant } from './answers';
import { route } from './route';

const tag = '材料目录';

const item = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(CORRECTION_KIND_CODES),
  legalBasis: z.string(),
  matterCategories: z.array(z.string()).describe('适用的法律援助事项；空：全部事项'),
  requiredByDefault: z.boolean(),
  active: z.boolean(),
  position: z.number().int(),
  updatedBy: z.string().describe('最后修改人'),
  updatedAt: instant.describe('最后修改时间'),
});

export const correctionItemRoutes = {
  listItems: route({
    method: 'get',
    path: '/correction-items',
    summary: '材料目录（L-2：补正通知可要求的材料和说明事项及其法律依据）',
    tag,
    access: 'correctionItems.read',
    query: correctionItemsQuery,
    answers: { 200: { description: '目录事项，按目录顺序', schema: z.object({ items: z.array(item) }) } },
  }),
  createItem: route({
    method: 'post',
    path: '/correction-items',
    summary: '新增材料目录事项（市法律援助中心、机构负责人）',
    tag,
    access: 'correctionItems.manage',
    body: createCorrectionItemBody,
    limit: 'actions',
    audit: { targetType: 'correction_item', targetId: (req) => (req.body as { code?: unknown } | undefined)?.code },
    answers: {
      201: {
        description: '已新增',
        schema: z.object({ item, replayed: z.literal(false) }),
        supplies: { code: '/item/code' },
      },
      200: { description: '同一事项再次提交（内容相同）', schema: z.object({ item, replayed: z.literal(true) }) },
    },
    errors: { 409: '目录中已有该代码而内容不同 (CORRECTION_ITEM_EXISTS)' },
  }),
  updateItem: route({
    method: 'patch',
    path: '/correction-items/:code',
    summary: '修改或停用材料目录事项（市法律援助中心、机构负责人；已受理案件的补正要求不变）',
    tag,
    access: 'correctionItems.manage',
    params: correctionItemParams,
    body: updateCorrectionItemBody,
    limit: 'actions',
    audit: { targetType: 'correction_item' },
    answers: { 200: { description: '修改后的事项', schema: z.object({ item }) } },
    errors: { 404: '目录中没有该代码 (CORRECTION_ITEM_NOT_FOUND)' },
  }),
};
