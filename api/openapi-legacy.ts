/** The published OpenAPI document, generated from the same zod schemas that validate requests. */
import { DEFAULT_RULE_CONFIG } from '../domain/rule-config';
import { z } from 'zod';
import {
  applicationNoParams,
  awardsQuery,
  batchesQuery,
  createBatchBody,
  createFeeBody,
  feesQuery,
  payoutsQuery,
  resultsQuery,
  createApplicationBody,
  assignCaseBody,
  confirmAssignedMemberBody,
  conflictBody,
  createSheetBody,
  evaluationsQuery,
  replacementBody,
  sheetsQuery,
  confirmMemberBody,
  createInstitutionBody,
  createMemberBody,
  decisionBody,

  institutionsQuery,
  membersQuery,
  poolStepBody,
  removalBody,
  extendDeadlineBody,
  listQuery,
  objectionBody,
  terminationBody,
  objectionDecisionBody,
  statusLookupBody,
  supplyMaterialsBody,
  createServicePointBody,
  homeVisitBody,
  paperForwardingBody,
  paperForwardingsQuery,
  scheduleVisitBody,
  servicePointPersonBody,
  servicePointQuery,
  servicePointsQuery,
  trainingBody,
  visitDoneBody,
  slaQuery,
  stuckCountsQuery,
  stuckQuery,
  workloadQuery,
  photoUploadQuery,
  historyQuery,
  historyResponse,
} from "./schemas";
import { errorBody } from "./contract/route";

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});
const errors = {
  '401': { description: '未登录或身份令牌无效 (UNAUTHENTICATED, INVALID_TOKEN)', content: json(errorBody) },
  '403': { description: '无权限 (FORBIDDEN, CHANNEL_NOT_ALLOWED, TRAINING_REQUIRED)', content: json(errorBody) },
  '429': { description: '请求过于频繁 (RATE_LIMITED)', content: json(errorBody) },
  '400': {
    description:
      '请求内容不符合要求 (VALIDATION_FAILED, CONTROL_CHARACTERS: 含有不可见的控制字符, MALFORMED_JSON, MALFORMED_URL, IDEMPOTENCY_KEY_REQUIRED)',
    content: json(errorBody),
  },
  '404': { description: '申请不存在 (APPLICATION_NOT_FOUND)', content: json(errorBody) },
  '409': { description: '申请已办结 (CASE_CLOSED)', content: json(errorBody) },
  '422': {
    description: '当前阶段不允许该操作 (INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED)',
    content: json(errorBody),
  },
  '503': { description: '依赖服务暂不可用 (SERVICE_UNAVAILABLE)', content: json(errorBody) },
};
const pathParam = {
  name: 'applicationNo',
  in: 'path',
  required: true,
  schema: z.toJSONSchema(applicationNoParams.shape.applicationNo),
};
const queryParams = (schema: z.ZodType) =>
  Object.entries(z.toJSONSchema(schema, { io: 'input' }).properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
  }));
const memberParam = {
  name: 'memberId',
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' },
};
/** S-2.8 pool errors on top of the common ones. */
const poolErrors = {
  ...errors,
  '404': {
    description: '人员或机构不存在 (POOL_MEMBER_NOT_FOUND, POOL_INSTITUTION_NOT_FOUND)',
    content: json(errorBody),
  },
  '409': { description: '已经登记 (POOL_MEMBER_EXISTS, POOL_INSTITUTION_EXISTS)', content: json(errorBody) },
  '422': {
    description:
      '当前状态不允许该操作 (POOL_MEMBER_NOT_PENDING, POOL_MEMBER_PENDING, POOL_MEMBER_NOT_REMOVED, ' +
      'POOL_ALREADY_RE_REVIEWED, POOL_ALREADY_TRAINED, POOL_IMPACT_UNTIL_REQUIRED, POOL_IMPACT_UNTIL_NOT_ALLOWED, ' +
      'IDEMPOTENCY_KEY_REUSED)',
    content: json(errorBody),
  },
};
const poolStep = (summary: string, body: z.ZodType) => ({
  post: {
    summary,
    parameters: [memberParam, keyHeader(false)],
    requestBody: { required: true, content: json(body) },
    responses: { '200': { description: '成员状态及写入的状态记录' }, ...poolErrors },
  },
});
/** S-4.4 scoring sheets and evaluations: errors on top of the common ones. */
const qualityErrors = {
  ...errors,
  '400': {
    description: '请求内容不符合要求，包括评分表各项加权满分合计不为 100、评分项编号重复 (VALIDATION_FAILED)',
    content: json(errorBody),
  },
  '404': {
    description: '评分表或评估记录不存在 (SCORING_SHEET_NOT_FOUND, EVALUATION_NOT_FOUND)',
    content: json(errorBody),
  },
  '409': {
    description:
      '评分表不能修改：同一编号内容不同 (SCORING_SHEET_EXISTS)，或该类型的版本号已使用 (SCORING_SHEET_VERSION_TAKEN)',
    content: json(errorBody),
  },
};
/** S-4.5 fee schedule and payout errors on top of the common ones. */
const financeErrors = {
  ...errors,
  '404': { description: '发放批次不存在 (PAYOUT_BATCH_NOT_FOUND)', content: json(errorBody) },
  '409': { description: '该标准已经登记 (FEE_SCHEDULE_EXISTS)', content: json(errorBody) },
};
/** S-2.1-S-2.3 service points, paper forwarding, home visits; S-2.2, S-2.6 training: errors on top of the common ones. */
const villageErrors = {
  ...errors,
  '403': { description: '无权限 (FORBIDDEN)', content: json(errorBody) },
  '404': {
    description:
      '服务点、转交记录、上门服务或申请不存在 (SERVICE_POINT_NOT_FOUND, PAPER_FORWARDING_NOT_FOUND, HOME_VISIT_NOT_FOUND, APPLICATION_NOT_FOUND)',
    content: json(errorBody),
  },
  '409': { description: '服务点编号已被登记 (SERVICE_POINT_EXISTS)', content: json(errorBody) },
  '422': {
    description:
      '当前状态不允许该操作 (HOME_VISIT_CLOSED, HOME_VISIT_NOT_SCHEDULED, HOME_VISIT_VISITOR_NOT_AT_POINT, IDEMPOTENCY_KEY_REUSED)',
    content: json(errorBody),
  },
};
const idParam = (name: string, pattern = '^[A-Za-z0-9._:-]+$') => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 64, pattern },
});
const visitStep = (summary: string, body: z.ZodType) => ({
  post: {
    summary,
    parameters: [idParam('id'), idParam('visitId', '^\\d{1,18}$')],
    requestBody: { required: true, content: json(body) },
    responses: { '200': { description: '上门服务记录' }, ...villageErrors },
  },
});

const keyHeader = (required: boolean) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required,
  schema: { type: 'string', minLength: 8, maxLength: 200 },
});

export function legacyDocument() {
  return {
    openapi: '3.1.0',
    info: { title: '绍兴市法律援助案件流程 API (Shaoxing legal-aid case workflow)', version: '0.2.0' },
    // Every route needs a bearer token except /health, /openapi.json and /public/*; roles: api/auth/access.ts.
    security: [{ bearerAuth: [] }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/applications': {
        get: {
          summary: '工作队列：按阶段、机构、渠道、期限筛选（仅限可查看的案件）',
          parameters: Object.entries(z.toJSONSchema(listQuery, { io: 'input' }).properties ?? {}).map(
            ([name, schema]) => ({
              name,
              in: 'query',
              required: false,
              schema,
            }),
          ),
          responses: { '200': { description: 'OK' }, ...errors },
        },
        post: {
          summary: '提交法律援助申请 (intake; starts the application workflow)',
          parameters: [keyHeader(true)],
          requestBody: { required: true, content: json(createApplicationBody) },
          responses: {
            '201': { description: '已受理' },
            '200': { description: '同一幂等键的重复提交，返回原申请' },
            ...errors,
          },
        },
      },
      '/applications/{applicationNo}': {
        get: {
          summary: '申请记录及阶段历史',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/timeline': {
        get: {
          summary: '案件时间线：阶段、规则编号、决定、期限暂停与延长、通知',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/history': {
        get: {
          summary:
            '流程历史（解密后）：申请流程及质量评估流程（已开始时）的事件，北京时间、中文说明和解密后的数据；每个流程至多 limit 个事件（truncated 表示还有）。仅限本机构工作人员、负责人和市法律援助中心',
          parameters: [pathParam, ...queryParams(historyQuery)],
          responses: {
            '200': { description: 'OK', content: json(historyResponse) },
            ...errors,
            '404': {
              description: '申请不存在，或其流程在 Temporal 中不存在 (APPLICATION_NOT_FOUND)',
              content: json(errorBody),
            },
          },
        },
      },
      '/applications/{applicationNo}/notices': {
        get: {
          summary: '站内通知（补正通知、提醒、终止通知）',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/state': {
        get: {
          summary: '工作流实时状态 (query)',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/materials': {
        post: {
          summary: '补交材料 (S-3.2, L-2)',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(supplyMaterialsBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/materials/photos': {
        post: {
          summary:
            '上传材料照片（issue 9，S-3.2）：请求体为照片本身（JPEG/PNG/WebP，按文件头校验，至多 5MB）；同一照片重复上传只存一份（200）',
          parameters: [pathParam, ...queryParams(photoUploadQuery)],
          requestBody: {
            required: true,
            content: { 'image/jpeg': {}, 'image/png': {}, 'image/webp': {} },
          },
          responses: {
            '201': { description: 'Created' },
            '200': { description: '同一照片已上传过' },
            '413': { description: '照片超过 5MB (PAYLOAD_TOO_LARGE)', content: json(errorBody) },
            '415': { description: '不是 JPEG/PNG/WebP 照片 (UNSUPPORTED_MEDIA_TYPE)', content: json(errorBody) },
            ...errors,
          },
        },
        get: {
          summary: '案件的材料照片清单（不含照片内容）',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/materials/photos/{photoId}': {
        get: {
          summary: '一张材料照片（原图）',
          parameters: [pathParam, { name: 'photoId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: '照片内容' }, ...errors },
        },
      },
      '/applications/{applicationNo}/correction-deadline/extension': {
        post: {
          summary: '延长补正期限（一次，须说明理由；S-3.2）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(extendDeadlineBody(DEFAULT_RULE_CONFIG.maxExtensionDays)) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/termination': {
        post: {
          summary: '终止法律援助（L-9，机构负责人；已给予或先行受理的案件）',
          parameters: [pathParam],
          requestBody: { required: true, content: json(terminationBody) },
          responses: { '202': { description: '已受理' }, ...errors },
        },
      },
      '/applications/{applicationNo}/assignment': {
        post: {
          summary: '法律援助机构指派：轮流、优先指派或集体讨论后指派（S-2.9，S-2.10，S-3.3）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(assignCaseBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/assignment/confirmation': {
        post: {
          summary: '受指派机构确认承办人员，或法律援助机构指定（S-2.10）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(confirmAssignedMemberBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/assignment/conflict': {
        post: {
          summary: '报告利益冲突或不能承办，重新指派（S-2.10）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(conflictBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/assignment/replacement': {
        post: {
          summary: '准予受援人更换法律援助人员，重新指派（L-11）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(replacementBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/objection': {
        post: {
          summary: '对不予法律援助决定提出异议（L-10）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(objectionBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/objection/decision': {
        post: {
          summary: '司法行政部门对异议作出审查决定（L-10，5 日内）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(objectionDecisionBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/applications/{applicationNo}/decision': {
        post: {
          summary: '作出给予或不予法律援助的决定 (L-1)',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(decisionBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/pool/institutions': {
        get: {
          summary: '法律服务机构名单（轮流指派顺序，S-2.9）',
          parameters: queryParams(institutionsQuery),
          responses: { '200': { description: 'OK' }, ...poolErrors },
        },
        post: {
          summary: '登记法律服务机构（律师事务所、基层法律服务所）',
          requestBody: { required: true, content: json(createInstitutionBody) },
          responses: { '201': { description: '已登记' }, '200': { description: '同一机构再次登记' }, ...poolErrors },
        },
      },
      '/pool/members': {
        get: {
          summary: '法律援助人员库：按机构、状态筛选（S-2.8）',
          parameters: queryParams(membersQuery),
          responses: { '200': { description: 'OK' }, ...poolErrors },
        },
        post: {
          summary: '公开招募（机构工作人员）或机构推荐（法律服务机构）入库，待确认（S-2.8）',
          parameters: [keyHeader(false)],
          requestBody: { required: true, content: json(createMemberBody) },
          responses: {
            '201': { description: '待确认' },
            '200': { description: '同一幂等键的重复请求' },
            ...poolErrors,
          },
        },
      },
      '/pool/members/{memberId}': {
        get: {
          summary: '人员及其状态记录（入库、确认、移出、重新审核、培训、重新入库、影响期届满）',
          parameters: [memberParam],
          responses: { '200': { description: 'OK' }, ...poolErrors },
        },
      },
      '/pool/members/{memberId}/confirmation': poolStep('法律援助机构确认入库（S-2.8）', confirmMemberBody),
      '/pool/members/{memberId}/removal': poolStep(
        '移出人员库：S-2.8(a) 案件评分 65 分以下；S-2.8(b) 年度考核不合格、处罚或处分，影响期内暂停指派（启动影响期计时）',
        removalBody,
      ),
      '/pool/members/{memberId}/re-review': poolStep('重新审核资格、专长和经历（S-2.8(a)）', poolStepBody),
      '/pool/members/{memberId}/training': poolStep(
        '培训合格确认（S-2.8(a)；与重新审核均完成后重新入库）',
        poolStepBody,
      ),
      '/applications/{applicationNo}/paper-forwardings': {
        post: {
          summary: '代办人转交纸质材料至司法所或法律援助机构（S-2.2；提交案件的代办人/法律顾问或机构工作人员）',
          parameters: [pathParam, keyHeader(false)],
          requestBody: { required: true, content: json(paperForwardingBody) },
          responses: {
            '201': { description: '已登记转交' },
            '200': { description: '同一幂等键的重复请求' },
            ...villageErrors,
          },
        },
      },
      '/applications/{applicationNo}/paper-forwardings/{id}/receipt': {
        post: {
          summary: '法律援助机构签收纸质材料（S-2.2）；再次签收返回原记录',
          parameters: [pathParam, idParam('id', '^\\d{1,18}$')],
          responses: { '200': { description: '转交记录（已签收）' }, ...villageErrors },
        },
      },
      '/village/points': {
        get: {
          summary: '村居法律服务点及其人员（S-2.1）；代办人、法律顾问只见本人所在的服务点',
          parameters: queryParams(servicePointsQuery),
          responses: { '200': { description: 'OK' }, ...villageErrors },
        },
        post: {
          summary: '登记村居法律服务点（S-2.1；本机构工作人员、负责人，市中心）',
          requestBody: { required: true, content: json(createServicePointBody) },
          responses: {
            '201': { description: '已登记' },
            '200': { description: '同一服务点再次登记' },
            ...villageErrors,
          },
        },
      },
      '/village/points/{id}': {
        get: {
          summary: '服务点：人员、尚未签收的纸质材料、上门服务，及法律顾问本年度上门服务次数（S-2.1-S-2.3）',
          parameters: [idParam('id'), ...queryParams(servicePointQuery)],
          responses: { '200': { description: 'OK' }, ...villageErrors },
        },
      },
      '/village/points/{id}/people': {
        post: {
          summary: '服务点人员：法律顾问、代办人、志愿者（S-2.1）',
          parameters: [idParam('id')],
          requestBody: { required: true, content: json(servicePointPersonBody) },
          responses: { '201': { description: '已加入' }, '200': { description: '角色未变' }, ...villageErrors },
        },
      },
      '/village/points/{id}/home-visits': {
        post: {
          summary: '申请上门服务（S-2.3，老年人、行动不便者）',
          parameters: [idParam('id'), keyHeader(false)],
          requestBody: { required: false, content: json(homeVisitBody) },
          responses: {
            '201': { description: '已申请' },
            '200': { description: '同一幂等键的重复请求' },
            ...villageErrors,
          },
        },
      },
      '/village/points/{id}/home-visits/{visitId}/schedule': visitStep(
        '安排上门服务人员和时间（S-2.3；人员须为本服务点的）',
        scheduleVisitBody,
      ),
      '/village/points/{id}/home-visits/{visitId}/done': visitStep(
        '上门服务已完成（S-2.3；计入上门人员的服务次数）',
        visitDoneBody,
      ),
      '/village/paper-forwardings': {
        get: {
          summary: '纸质材料转交跟踪（S-2.2）：尚未签收的及已转交天数（北京时间）',
          parameters: queryParams(paperForwardingsQuery),
          responses: { '200': { description: 'OK' }, ...villageErrors },
        },
      },
      '/village/tasks': {
        get: {
          summary: '代办人的实地核实任务（S-3.1，S-2.1）：本人或同一服务点人员代办的申请中尚无结果的 field_check',
          responses: { '200': { description: 'OK' }, ...villageErrors },
        },
      },
      '/people/{personId}/training': {
        get: {
          summary: '培训记录及当日是否有效（S-2.2 代办，S-2.6 值班）',
          parameters: [idParam('personId')],
          responses: { '200': { description: 'OK' }, ...villageErrors },
        },
        post: {
          summary: '登记培训记录（机构工作人员、负责人，市中心）；不修改，续训另行登记',
          parameters: [idParam('personId')],
          requestBody: { required: true, content: json(trainingBody) },
          responses: { '201': { description: '已登记' }, ...villageErrors },
        },
      },
      '/quality/sheets': {
        get: {
          summary: '评分表（S-4.4，浙江省刑事、民事行政案件质量评估标准）：全部版本，或某日适用的版本',
          parameters: queryParams(sheetsQuery),
          responses: { '200': { description: 'OK' }, ...qualityErrors },
        },
        post: {
          summary: '载入评分表（市法律援助中心；不可修改，新标准以新版本载入）',
          requestBody: { required: true, content: json(createSheetBody) },
          responses: {
            '201': { description: '已载入' },
            '200': { description: '同一评分表再次载入（内容相同）' },
            ...qualityErrors,
          },
        },
      },
      '/quality/sheets/{id}': {
        get: {
          summary: '一份评分表及其评分项',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }],
          responses: { '200': { description: 'OK' }, ...qualityErrors },
        },
      },
      '/evaluations': {
        get: {
          summary: '案件质量评估结果（S-4.4）：按机构、状态、人员、服务机构、年度筛选（仅限可查看的）',
          parameters: queryParams(evaluationsQuery),
          responses: { '200': { description: 'OK' }, ...qualityErrors },
        },
      },
      '/evaluations/{applicationNo}': {
        get: {
          summary: '一件案件的质量评估：分数、等次、状态（S-4.4，S-4.5）',
          parameters: [pathParam],
          responses: { '200': { description: 'OK' }, ...qualityErrors },
        },
      },
      '/fees': {
        get: {
          summary: '基本劳务费标准（S-4.5）：本机构及全市通用标准；给出日期、案件类型和阶段时返回该案适用的标准',
          parameters: queryParams(feesQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
        post: {
          summary:
            '登记基本劳务费标准（机构负责人登记本机构的，市法律援助中心登记全市通用的）；标准不修改，以新生效日期取代',
          requestBody: { required: true, content: json(createFeeBody) },
          responses: { '201': { description: '已登记' }, ...financeErrors },
        },
      },
      '/cases/stuck': {
        get: {
          summary:
            '卡住的案件（issue 8）：每项待办义务、由谁履行、自何时起、期限（规则编号）；逾期最久的在前。机构人员看本机构，市中心看全市，义务人看自己的',
          parameters: queryParams(stuckQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
      },
      '/cases/stuck/counts': {
        get: {
          summary: '按阶段和机构统计的待办案件数与逾期案件数',
          parameters: queryParams(stuckCountsQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
      },
      '/figures/sla': {
        get: {
          summary:
            '时限达成率（按机构、按期间，北京时间日期）：当日指派（S-3.3）、7 日内审查决定（L-1）、热线按时接听（S-2.4）、评估完成（S-4.4）、按等次发放（S-4.5）',
          parameters: queryParams(slaQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
      },
      '/figures/workload': {
        get: {
          summary: '承办人员工作量：在办案件数、逾期待办数',
          parameters: queryParams(workloadQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus 指标（含 Temporal SDK 工作进程指标）；METRICS_TOKEN 或管理人员/市中心令牌',
          responses: { '200': { description: 'text/plain; version=0.0.4' }, ...financeErrors },
        },
      },
      '/payouts': {
        get: {
          summary: '补贴发放明细（S-4.5）：按申请编号，或按机构和人员',
          parameters: queryParams(payoutsQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
      },
      '/payouts/batches': {
        get: {
          summary: '发放批次',
          parameters: queryParams(batchesQuery),
          responses: { '200': { description: 'OK' }, ...financeErrors },
        },
        post: {
          summary: '按期间生成发放批次：本机构截至截止日（北京时间）尚未入批的明细；同一期间再次请求返回原批次',
          requestBody: { required: true, content: json(createBatchBody) },
          responses: {
            '201': { description: '已生成' },
            '200': { description: '该期间的批次已存在' },
            ...financeErrors,
          },
        },
      },
      '/payouts/batches/{batchId}/lines.csv': {
        get: {
          summary: '批次明细 CSV（UTF-8 带 BOM，金额单位元，时间为北京时间）',
          parameters: [
            { name: 'batchId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,18}$' } },
          ],
          responses: { '200': { description: 'text/csv' }, ...financeErrors },
        },
      },
      '/quality/awards': {
        get: {
          summary: '评优推荐资格（S-4.7）：有优秀案件且无不合格案件的人员和机构，及不符合的原因',
          parameters: queryParams(awardsQuery),
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/public/results/{agencyCode}': {
        get: {
          summary: '案件质量评估结果和补贴发放公开（S-4.6，L-15）：按等级统计，按机构和人员（仅编号）',
          security: [],
          parameters: [
            { name: 'agencyCode', in: 'path', required: true, schema: { type: 'string' } },
            ...queryParams(resultsQuery),
          ],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/public/applications/status': {
        post: {
          summary: '申请人查询办理进度 (public; application number + status code from the receipt)',
          security: [],
          requestBody: { required: true, content: json(statusLookupBody) },
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/public/rotation/{agencyCode}': {
        get: {
          summary: '轮流指派顺序和指派记录（公开，S-2.9）',
          security: [],
          parameters: [{ name: 'agencyCode', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/audit-events': {
        get: { summary: '审计日志 (auditors, city centre)', responses: { '200': { description: 'OK' }, ...errors } },
      },
      '/codec/decode': {
        post: {
          summary: 'Temporal codec endpoint: decrypt payloads (staff)',
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/codec/encode': {
        post: {
          summary: 'Temporal codec endpoint: encrypt payloads (staff)',
          responses: { '200': { description: 'OK' }, ...errors },
        },
      },
      '/health': {
        get: {
          summary: 'Liveness and dependencies',
          security: [],
          responses: { '200': { description: 'OK' }, '503': { description: 'A dependency is down' } },
        },
      },
    },
  };
}
