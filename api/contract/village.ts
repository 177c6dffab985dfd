/**
 * Contract of the village routes (api/contract/route.ts): service points and their people (S-2.1), paper materials
 * forwarded and received (S-2.2), home visits (S-2.3), the field checks of a point's people (S-3.1), and training
 * records (S-2.2, S-2.6).
 */
import { z } from 'zod';
import { TRAINING_KIND_CODES } from '../../domain/training';
import { FORWARD_TARGET_CODES, POINT_ROLE_CODES, VISIT_STATUSES, type VisitStatus } from '../../domain/village';
import {
  applicationNoParams,
  createServicePointBody,
  homeVisitBody,
  homeVisitParams,
  paperForwardingBody,
  paperForwardingParams,
  paperForwardingsQuery,
  personParams,
  scheduleVisitBody,
  servicePointParams,
  servicePointPersonBody,
  servicePointQuery,
  servicePointsQuery,
  trainingBody,
  visitDoneBody,
} from '../schemas';
import { instant, optionalInstant, stage } from './answers';
import { route, type RouteSpec } from './route';

const tag = '村居法律服务';
const onPoint = { targetType: 'service_point' } as const;
const onPerson = { targetType: 'person' } as const;
const chinaDate = z.iso.date().describe('日期（中国时间，YYYY-MM-DD）');

const POINT_NOT_FOUND = '服务点不存在 (SERVICE_POINT_NOT_FOUND)';
const VISIT_NOT_FOUND = '服务点或上门服务记录不存在 (SERVICE_POINT_NOT_FOUND, HOME_VISIT_NOT_FOUND)';

const servicePoint = z.object({
  id: z.string(),
  agencyCode: z.string(),
  name: z.string(),
  township: z.string(),
  createdAt: instant,
});
const pointPerson = z.object({
  servicePointId: z.string(),
  personId: z.string(),
  role: z.enum(POINT_ROLE_CODES),
  since: instant,
});

/** A paper forwarding (repositories/village.ts `forwardingView`). */
const forwarding = z.object({
  id: z.string(),
  applicationNo: z.string(),
  servicePointId: z.string().nullable(),
  forwardedBy: z.string(),
  forwardedTo: z.enum(FORWARD_TARGET_CODES),
  items: z.array(z.string()),
  forwardedAt: instant,
  receivedBy: z.string().nullable(),
  receivedAt: optionalInstant,
  outstanding: z.boolean(),
  daysOutstanding: z.number().int().describe('已转交天数（北京时间日历日）'),
});
const forwardingAnswer = z.object({ forwarding, replayed: z.boolean() });

const visit = z.object({
  id: z.string(),
  servicePointId: z.string(),
  applicationNo: z.string().nullable(),
  status: z.enum(Object.keys(VISIT_STATUSES) as [VisitStatus, ...VisitStatus[]]),
  requestedBy: z.string(),
  visitorId: z.string().nullable(),
  scheduledFor: optionalInstant,
  doneAt: optionalInstant,
  note: z.string().nullable(),
  createdAt: instant,
});
const visitAnswer = z.object({ visit, replayed: z.boolean() });

const trainingRecord = z.object({
  id: z.string(),
  personId: z.string(),
  kind: z.enum(TRAINING_KIND_CODES),
  course: z.string(),
  completedOn: chinaDate,
  validUntil: chinaDate.nullable(),
  recordedBy: z.string(),
  createdAt: instant,
});

export const villageRoutes = {
  createPoint: route({
    method: 'post',
    path: '/village/points',
    summary: '登记村居法律服务点（S-2.1；本机构工作人员、负责人，市中心）',
    tag,
    access: 'village.points.manage',
    body: createServicePointBody,
    limit: 'actions',
    audit: { targetType: 'service_point', targetId: (req) => (req.body as { id?: unknown } | undefined)?.id },
    answers: {
      201: {
        description: '已登记',
        schema: z.object({ point: servicePoint, replayed: z.literal(false) }),
        supplies: { id: '/point/id' },
      },
      200: {
        description: '同一服务点再次登记（内容相同）',
        schema: z.object({ point: servicePoint, replayed: z.literal(true) }),
      },
    },
    errors: {
      403: '不能为其他机构登记服务点 (FORBIDDEN)',
      409: '服务点编号已被登记为其他内容 (SERVICE_POINT_EXISTS)',
    },
  }),
  addPerson: route({
    method: 'post',
    path: '/village/points/:id/people',
    summary: '服务点人员：法律顾问、代办人、志愿者（S-2.1）；同一人再次加入时改为新角色',
    tag,
    access: 'village.points.manage',
    params: servicePointParams,
    body: servicePointPersonBody,
    limit: 'actions',
    audit: onPoint,
    answers: {
      201: { description: '已加入，或角色已改', schema: z.object({ person: pointPerson, replayed: z.literal(false) }) },
      200: { description: '角色未变', schema: z.object({ person: pointPerson, replayed: z.literal(true) }) },
    },
    errors: { 404: POINT_NOT_FOUND },
  }),
  listPoints: route({
    method: 'get',
    path: '/village/points',
    summary: '村居法律服务点及其人员（S-2.1）；代办人、法律顾问只见本人所在的服务点',
    tag,
    access: 'village.points.read',
    query: servicePointsQuery,
    answers: {
      200: {
        description: '服务点，按编号',
        schema: z.object({ points: z.array(servicePoint.extend({ people: z.array(pointPerson) })) }),
      },
    },
  }),
  readPoint: route({
    method: 'get',
    path: '/village/points/:id',
    summary: '服务点：人员、尚未签收的纸质材料、上门服务，及法律顾问本年度上门服务次数（S-2.1-S-2.3）',
    tag,
    access: 'village.points.read',
    params: servicePointParams,
    query: servicePointQuery,
    audit: onPoint,
    answers: {
      200: {
        description: '服务点详情',
        schema: z.object({
          point: servicePoint.omit({ createdAt: true }),
          people: z.array(pointPerson.omit({ servicePointId: true })),
          openPaperForwardings: z.array(forwarding),
          homeVisits: z.array(visit).describe('最近的 200 次，新的在前'),
          advisorVisits: z.object({
            year: z.number().int(),
            advisors: z.array(z.object({ personId: z.string(), visits: z.number().int() })),
          }),
        }),
      },
    },
    errors: { 404: POINT_NOT_FOUND },
  }),
  requestVisit: route({
    method: 'post',
    path: '/village/points/:id/home-visits',
    summary: '申请上门服务（S-2.3，老年人、行动不便者）',
    tag,
    access: 'village.visits',
    params: servicePointParams,
    // No body at all is an empty request (S-2.3: a visit without a case or note).
    body: homeVisitBody.optional(),
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: onPoint,
    answers: {
      201: { description: '已申请', schema: visitAnswer },
      200: { description: '同一幂等键的重复请求：第一次的记录', schema: visitAnswer },
    },
    errors: {
      404: '服务点或申请不存在 (SERVICE_POINT_NOT_FOUND, APPLICATION_NOT_FOUND)',
      422: '同一幂等键用于另一次上门服务申请 (IDEMPOTENCY_KEY_REUSED)',
    },
  }),
  scheduleVisit: route({
    method: 'post',
    path: '/village/points/:id/home-visits/:visitId/schedule',
    summary: '安排上门服务人员和时间（S-2.3；人员须为本服务点的）',
    tag,
    access: 'village.visits',
    params: homeVisitParams,
    body: scheduleVisitBody,
    limit: 'actions',
    audit: onPoint,
    answers: { 200: { description: '上门服务记录（已安排）', schema: visitAnswer } },
    errors: {
      404: VISIT_NOT_FOUND,
      422: '上门服务已完成或已取消，或人员不在本服务点 (HOME_VISIT_CLOSED, HOME_VISIT_VISITOR_NOT_AT_POINT)',
    },
  }),
  completeVisit: route({
    method: 'post',
    path: '/village/points/:id/home-visits/:visitId/done',
    summary: '上门服务已完成（S-2.3；计入上门人员的服务次数）；再次提交返回原记录',
    tag,
    access: 'village.visits',
    params: homeVisitParams,
    body: visitDoneBody,
    limit: 'actions',
    audit: onPoint,
    answers: { 200: { description: '上门服务记录（已上门）', schema: visitAnswer } },
    errors: {
      404: VISIT_NOT_FOUND,
      422: '上门服务已取消，或尚未安排人员且记录人不在本服务点 (HOME_VISIT_CLOSED, HOME_VISIT_NOT_SCHEDULED)',
    },
  }),
  paperForwardings: route({
    method: 'get',
    path: '/village/paper-forwardings',
    summary: '纸质材料转交跟踪（S-2.2）：尚未签收的及已转交天数（北京时间）',
    tag,
    access: 'village.paper.read',
    query: paperForwardingsQuery,
    answers: {
      200: {
        description: '转交记录，先转交的在前（至多 1000 条）',
        schema: z.object({
          on: chinaDate.describe('计算天数的日期（今天，北京时间）'),
          forwardings: z.array(forwarding.extend({ agencyCode: z.string().nullable() })),
        }),
      },
    },
  }),
  tasks: route({
    method: 'get',
    path: '/village/tasks',
    summary:
      '代办人的实地核实任务（S-3.1，S-2.1）：委托本人服务点的，及本人或同一服务点人员代办的申请中尚无结果的 field_check',
    tag,
    access: 'village.tasks',
    answers: {
      200: {
        description: '实地核实任务，先到期的在前',
        schema: z.object({
          tasks: z.array(
            z.object({
              applicationNo: z.string(),
              agencyCode: z.string(),
              stage,
              filedBy: z.string().nullable(),
              taskId: z.string(),
              route: z.literal('field_check'),
              servicePointId: z.string().nullable().describe('委托的服务点；空：代办申请的服务点'),
              requestedAt: instant,
              dueAt: instant,
            }),
          ),
        }),
      },
    },
  }),
  forwardPaper: route({
    method: 'post',
    path: '/applications/:applicationNo/paper-forwardings',
    summary: '代办人转交纸质材料至司法所或法律援助机构（S-2.2；提交案件的代办人/法律顾问或机构工作人员）',
    tag,
    access: 'village.forwardPaper',
    params: applicationNoParams,
    body: paperForwardingBody,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: { targetType: 'application' },
    answers: {
      201: { description: '已登记转交', schema: forwardingAnswer },
      200: { description: '同一幂等键的重复请求：第一次的记录', schema: forwardingAnswer },
    },
    errors: {
      404: '申请不存在 (APPLICATION_NOT_FOUND)',
      422: '同一幂等键用于另一次不同的转交 (IDEMPOTENCY_KEY_REUSED)',
    },
  }),
  receivePaper: route({
    method: 'post',
    path: '/applications/:applicationNo/paper-forwardings/:id/receipt',
    summary: '法律援助机构签收纸质材料（S-2.2）；再次签收返回原记录',
    tag,
    access: 'village.receivePaper',
    params: paperForwardingParams,
    limit: 'actions',
    audit: { targetType: 'application' },
    answers: { 200: { description: '转交记录（已签收）；再次签收时 replayed 为 true', schema: forwardingAnswer } },
    errors: { 404: '申请或转交记录不存在 (APPLICATION_NOT_FOUND, PAPER_FORWARDING_NOT_FOUND)' },
  }),
  recordTraining: route({
    method: 'post',
    path: '/people/:personId/training',
    summary: '登记培训记录（机构工作人员、负责人，市中心）；不修改，续训另行登记',
    tag,
    access: 'training.manage',
    params: personParams,
    body: trainingBody,
    limit: 'actions',
    audit: onPerson,
    answers: { 201: { description: '已登记', schema: z.object({ record: trainingRecord }) } },
  }),
  readTraining: route({
    method: 'get',
    path: '/people/:personId/training',
    summary: '培训记录及当日是否有效（S-2.2 代办，S-2.6 值班）；本人，或机构及市级人员',
    tag,
    access: 'training.read',
    params: personParams,
    audit: onPerson,
    answers: {
      200: {
        description: '培训记录（新的在前）及今天（北京时间）各类培训是否有效',
        schema: z.object({
          personId: z.string(),
          on: chinaDate,
          valid: z.object({ agent_filing: z.boolean(), hotline_duty: z.boolean() }),
          records: z.array(trainingRecord),
        }),
      },
    },
  }),
} satisfies Record<string, RouteSpec>;
