/** Contract of the history routes (api/contract/route.ts): the case's workflow history, decrypted (api/history.ts). */
import { applicationNoParams, historyQuery, historyResponse } from '../schemas';
import { route } from './route';

export const historyRoutes = {
  history: route({
    method: 'get',
    path: '/applications/:applicationNo/history',
    summary:
      '流程历史（解密后）：申请流程及质量评估流程（已开始时）的事件，北京时间、中文说明和解密后的数据；每个流程至多 limit 个事件（truncated 表示还有）。仅限本机构工作人员、负责人和市法律援助中心',
    tag: '申请与受理',
    access: 'application.history',
    params: applicationNoParams,
    query: historyQuery,
    limit: 'actions',
    audit: { targetType: 'application' },
    answers: { 200: { description: '各流程的事件，按发生先后', schema: historyResponse } },
    errors: { 404: '申请不存在，或其流程在 Temporal 中不存在 (APPLICATION_NOT_FOUND)' },
  }),
};
