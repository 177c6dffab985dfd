/**
 * /pool: the legal-aid personnel pool (法律援助人员库, S-2.8): institutions, entry by recruitment or recommendation,
 * the agency's confirmation, removals, re-review and training, and reads with the status history.
 */
import { z } from 'zod';
import { MEMBER_STATUS_CODES, RATING_LEVEL_CODES, STANDARDS_BASIS_CODES } from '../../domain/pool';
import {
  confirmMemberBody,
  createInstitutionBody,
  createMemberBody,
  excellentRatingBody,
  excellentRatingsQuery,
  institutionsQuery,
  poolInstitutionParams,
  responsiblePeopleBody,
  membersQuery,
  poolMemberParams,
  poolStepBody,
  removalBody,
} from '../schemas';
import { instant, optionalInstant } from './answers';
import { route } from './route';

const tag = '法律援助人员库';
const onMember = { targetType: 'pool_member' } as const;
const MEMBER_NOT_FOUND = '人员不存在 (POOL_MEMBER_NOT_FOUND)';
const KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED';

const institution = z.object({
  id: z.string(),
  agencyCode: z.string(),
  name: z.string(),
  kind: z.string().describe('law_firm 律师事务所；grassroots_office 基层法律服务所'),
  listOrder: z.number().int().describe('在机构名单中的位置（轮流指派顺序，S-2.9）'),
  excellentRatings: z.number().int().describe('省、市级评优次数（S-2.9(g)）'),
  responsiblePeople: z.array(z.string()).describe('机构负责人的人员编号（S-4.7）'),
});

const member = z.object({
  id: z.string(),
  institutionId: z.string(),
  agencyCode: z.string(),
  status: z.enum(MEMBER_STATUS_CODES),
  statusLabel: z.string(),
  entryRoute: z.string().describe('recruitment 公开招募；recommendation 机构推荐'),
  specialties: z.array(z.string()),
  practiceYears: z.number().int(),
  criminalDefenceYears: z.number().int(),
  dutyLawyer: z.boolean(),
  juvenileCompetent: z.boolean(),
  excellentRatings: z.number().int().describe('省、市级评优次数（S-2.9(g)）'),
  turns: z.number().int(),
  removalKind: z.string().nullable().describe('score、assessment、penalty；在库或待确认时为 null'),
  impactUntil: optionalInstant.describe('S-2.8(b) 影响期届满时间'),
  statusEventId: z.string().nullable().describe('决定当前状态的状态记录编号'),
});

const event = z.object({
  id: z.string(),
  memberId: z.string(),
  agencyCode: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  removalKind: z.string().nullable(),
  reason: z.string(),
  actor: z.string(),
  effectiveFrom: instant,
  effectiveUntil: optionalInstant,
  applicationNo: z.string().nullable(),
  standards: z
    .object({ basis: z.enum(STANDARDS_BASIS_CODES), date: z.string(), reference: z.string() })
    .nullable()
    .describe('S-2.8 熟知标准：确认入库时记录的培训或书面承诺'),
  at: instant,
});

/** A change of a member: the request's own event, every event it wrote, the member after it, its impact timer. */
const change = z.object({
  member,
  event,
  events: z.array(event),
  replayed: z.boolean().describe('同一幂等键的重复请求：未再写入'),
  impactTimer: z
    .object({ workflowId: z.string(), until: instant })
    .nullable()
    .describe('S-2.8(b) 影响期计时（人员处于影响期内时）'),
});

/** A step's body; a request without one is read as `{}` (as before the contract). */
const rating = z.object({
  id: z.string(),
  subjectKind: z.enum(['member', 'institution']),
  memberId: z.string().nullable().describe('人员的评优时为人员编号；机构的评优为 null'),
  institutionId: z.string().describe('被评优的机构，或人员评优时所在的机构'),
  agencyCode: z.string(),
  level: z.enum(RATING_LEVEL_CODES),
  levelLabel: z.string(),
  ratedOn: z.iso.date().describe('评为优秀的日期（中国日期）'),
  basis: z.string().describe('表彰文件名称或文号'),
  recordedBy: z.string(),
  recordedAt: instant,
});

const orEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

/** A staff step on one member (S-2.8): POST with a body, answered with the change. */
function step<const B extends z.ZodType>(path: string, summary: string, body: B, refusals: string[]) {
  return route({
    method: 'post',
    path: `/pool/members/:memberId/${path}`,
    summary,
    tag,
    access: 'pool.manage',
    params: poolMemberParams,
    body: orEmpty(body),
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: onMember,
    answers: {
      200: { description: '人员的新状态及写入的状态记录；同一幂等键的重复请求得到第一次的答复', schema: change },
    },
    errors: {
      404: MEMBER_NOT_FOUND,
      422: `当前状态不允许该操作，或幂等键已用于另一项操作 (${[...refusals, KEY_REUSED].join(', ')})`,
    },
  });
}

export const poolRoutes = {
  recordExcellentRating: route({
    method: 'post',
    path: '/pool/excellent-ratings',
    summary: '登记省、市级评优（人员或机构），提高其轮流指派份额（S-2.9(g)）',
    tag,
    access: 'pool.manage',
    body: excellentRatingBody,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: {
      targetType: 'excellent_rating',
      targetId: (req) => (req.body as { subject?: { id?: unknown } } | undefined)?.subject?.id,
    },
    answers: {
      201: { description: '已登记', schema: z.object({ rating, replayed: z.literal(false) }) },
      200: { description: '同一幂等键的重复请求：未再登记', schema: z.object({ rating, replayed: z.literal(true) }) },
    },
    errors: { 404: '人员或机构不存在 (POOL_MEMBER_NOT_FOUND, POOL_INSTITUTION_NOT_FOUND)' },
  }),
  listExcellentRatings: route({
    method: 'get',
    path: '/pool/excellent-ratings',
    summary: '省、市级评优记录（S-2.9(g)），新的在前',
    tag,
    access: 'pool.read',
    query: excellentRatingsQuery,
    answers: { 200: { description: '评优记录', schema: z.object({ ratings: z.array(rating) }) } },
  }),
  createInstitution: route({
    method: 'post',
    path: '/pool/institutions',
    summary: '登记法律服务机构（律师事务所、基层法律服务所）',
    tag,
    access: 'pool.manage',
    body: createInstitutionBody,
    limit: 'actions',
    audit: { targetType: 'pool_institution', targetId: (req) => (req.body as { id?: unknown } | undefined)?.id },
    answers: {
      201: { description: '已登记', schema: z.object({ institution, replayed: z.literal(false) }) },
      200: {
        description: '同一机构再次登记（内容相同）',
        schema: z.object({ institution, replayed: z.literal(true) }),
      },
    },
    errors: { 409: '机构编号或名单位置已被登记 (POOL_INSTITUTION_EXISTS)' },
  }),
  setResponsiblePeople: route({
    method: 'put',
    path: '/pool/institutions/:institutionId/responsible-people',
    summary: '登记机构负责人（S-4.7：机构有不合格案件的，负责人当年度一并不得推荐评优）',
    tag,
    access: 'pool.manage',
    params: poolInstitutionParams,
    body: responsiblePeopleBody,
    limit: 'actions',
    audit: { targetType: 'pool_institution' },
    answers: { 200: { description: '机构及其负责人', schema: z.object({ institution }) } },
    errors: { 404: '机构不存在 (POOL_INSTITUTION_NOT_FOUND)' },
  }),
  listInstitutions: route({
    method: 'get',
    path: '/pool/institutions',
    summary: '法律服务机构名单（轮流指派顺序，S-2.9）',
    tag,
    access: 'pool.read',
    query: institutionsQuery,
    answers: { 200: { description: '机构，按名单顺序', schema: z.object({ institutions: z.array(institution) }) } },
  }),
  createMember: route({
    method: 'post',
    path: '/pool/members',
    summary: '公开招募（机构工作人员）或机构推荐（法律服务机构）入库，待确认（S-2.8）',
    tag,
    access: 'pool.register',
    body: createMemberBody,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: {
      targetType: 'pool_member',
      targetId: (req) => (req.body as { memberId?: unknown } | undefined)?.memberId,
    },
    answers: {
      201: { description: '已登记，待确认入库', schema: change, supplies: { memberId: '/member/id' } },
      200: { description: '同一幂等键的重复请求：第一次的答复', schema: change },
    },
    errors: {
      404: '法律服务机构不存在 (POOL_INSTITUTION_NOT_FOUND)',
      409: '该人员已经登记 (POOL_MEMBER_EXISTS)',
      422: `幂等键已用于另一项操作 (${KEY_REUSED})`,
    },
  }),
  listMembers: route({
    method: 'get',
    path: '/pool/members',
    summary: '法律援助人员库：按机构、状态筛选（S-2.8）',
    tag,
    access: 'pool.read',
    query: membersQuery,
    answers: { 200: { description: '人员（仅编号，不含姓名）', schema: z.object({ members: z.array(member) }) } },
  }),
  readMember: route({
    method: 'get',
    path: '/pool/members/:memberId',
    summary: '人员及其状态记录（入库、确认、移出、重新审核、培训、重新入库、影响期届满）',
    tag,
    access: 'pool.read',
    params: poolMemberParams,
    audit: onMember,
    answers: {
      200: { description: '人员及其全部状态记录，按时间先后', schema: z.object({ member, events: z.array(event) }) },
    },
    errors: { 404: MEMBER_NOT_FOUND },
  }),
  confirm: step(
    'confirmation',
    '法律援助机构确认入库或影响期届满后重新入库，记录熟知标准的依据（S-2.8）',
    confirmMemberBody,
    ['POOL_MEMBER_NOT_PENDING'],
  ),
  remove: step(
    'removal',
    '移出人员库：S-2.8(a) 案件评分 65 分以下；S-2.8(b) 年度考核不合格、处罚或处分，影响期内暂停指派（启动影响期计时）',
    removalBody,
    ['POOL_MEMBER_PENDING', 'POOL_IMPACT_UNTIL_REQUIRED', 'POOL_IMPACT_UNTIL_NOT_ALLOWED'],
  ),
  reReview: step('re-review', '重新审核资格、专长和经历（S-2.8(a)）', poolStepBody, [
    'POOL_MEMBER_NOT_REMOVED',
    'POOL_ALREADY_RE_REVIEWED',
  ]),
  training: step('training', '培训合格确认（S-2.8(a)；与重新审核均完成后重新入库）', poolStepBody, [
    'POOL_MEMBER_NOT_REMOVED',
    'POOL_ALREADY_TRAINED',
  ]),
};
