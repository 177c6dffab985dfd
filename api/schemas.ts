/**
 * Zod schemas for every request body, param and header: the single source for validation and for the published
 * OpenAPI document (api/openapi.ts). Messages for people are Chinese (zod's zh-CN locale plus our own wording).
 *
 * Every string is `text(label)` (multi-line free text: notes, reasons, summaries, comments, facts, reports) or
 * `line(label)` (everything else), never a bare `z.string()`: both refuse control characters and lone surrogates,
 * which PostgreSQL cannot store (api/text.ts).
 */
import { CASE_STAGES, type CaseStage } from '../domain/stages';
import { OBLIGATION_KINDS, OWNER_ROLES, type ObligationKind, type OwnerRole } from '../domain/obligations';
import { z } from 'zod';
import { AGENCY_CODES, APPLICATION_NO_PATTERN } from '../domain/agencies';
import { CHANNELS } from '../domain/channels';
import { L9_GROUNDS, VERIFICATION_ROUTES, type L9Ground, type VerificationRoute } from '../domain/grounds';
import {
  NO_TEST_GROUNDS,
  SUPPORTING_DOCUMENTS,
  type NoTestGround,
  type SupportingDocument,
} from '../domain/eligibility';
import { ID_DOCUMENT_TYPES, isValidResidentIdNumber, type IdDocumentType } from '../domain/id-number';
import {
  NOTIFICATION_CASE_STAGES,
  NOTIFICATION_GROUNDS,
  NOTIFYING_ORGANS,
  RETURN_GROUNDS,
  type ReturnGround,
  URGENCY_GROUNDS,
  type NotificationGround,
  type UrgencyGround,
} from '../domain/intake';
import { CORRECTION_CODE_PATTERN, CORRECTION_KIND_CODES } from '../domain/materials';
import { MATTER_CATEGORY_CODES } from '../domain/matters';
import {
  ENTRY_ROUTES,
  INSTITUTION_KINDS,
  MEMBER_STATUS_CODES,
  RATING_LEVEL_CODES,
  REMOVAL_KIND_CODES,
  STANDARDS_BASIS_CODES,
  type EntryRoute,
  type InstitutionKind,
} from '../domain/pool';
import { atMostTwoDecimals, ScoreSheetError, validateSheet } from '../domain/quality';
import { SHEET_KIND_CODES } from '../domain/scoring-sheets';
import { STAGES } from '../domain/stages';
import { TRAINING_KIND_CODES } from '../domain/training';
import { FORWARD_TARGET_CODES, POINT_ROLE_CODES } from '../domain/village';
import { line, noControlCharacters, text } from './text';
import {
  COMPLAINANT_KINDS,
  COMPLAINT_CHANNELS,
  COMPLAINT_GROUNDS,
  COMPLAINT_MEASURES,
  COMPLAINT_OUTCOMES,
  COMPLAINT_STATUS_CODES,
  INVESTIGATION_KINDS,
  RESPONDENT_KINDS,
} from '../domain/complaints';

z.config(z.locales.zhCN());

/** S-4.4, S-4.5: a score or sheet points, 0..100 and at most two decimals (a tier is never reached by rounding). */
const points = (label: string) =>
  z
    .number()
    .min(0)
    .max(100)
    .refine(atMostTwoDecimals, { message: `${label}最多保留两位小数` })
    .describe(`${label}（0 至 100，最多两位小数）`);

export const idempotencyKey = line('幂等键')
  .min(8, '幂等键至少 8 个字符')
  .max(200, '幂等键最多 200 个字符')
  .regex(/^[A-Za-z0-9._:-]+$/, '幂等键只能包含字母、数字和 . _ : -');

/** An application number (path, body or query). */
const applicationNo = (label = '申请编号') =>
  line(label).regex(APPLICATION_NO_PATTERN, '申请编号格式不正确，应如 KQ-2026-000123');

export const applicationNoParams = z.object({ applicationNo: applicationNo() });

/** Required multi-line free text (trimmed, not empty): notes, reasons, facts, reports. */
const freeText = (label: string, required: string, max = 2000) => text(label).trim().min(1, required).max(max);

/** Pool member and institution ids: staff ids, never names. */
const memberId = line('人员编号')
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '人员编号格式不正确');

/** A code of the correction catalogue (材料目录, /correction-items): checked against the catalogue by the route. */
export const correctionCode = line('材料代码').regex(CORRECTION_CODE_PATTERN, '材料代码格式不正确');

const correctionItemFields = {
  name: line('名称').trim().min(1, '请填写名称').max(200).describe('申请人看到的名称'),
  kind: z.enum(CORRECTION_KIND_CODES).describe('material：补充材料；explanation：作出说明'),
  legalBasis: line('法律依据').trim().min(1, '请填写法律依据').max(500).describe('补正通知中引用的法律依据'),
  matterCategories: z.array(z.enum(MATTER_CATEGORY_CODES)).max(20).describe('适用的法律援助事项；空：全部事项'),
  requiredByDefault: z.boolean().describe('该类事项的每件申请都要求（无需工作人员选择）'),
  active: z.boolean().describe('停用的事项不能再被要求或登记'),
  position: z.int().min(0).max(100_000).describe('目录中的顺序（补正通知按此顺序列出）'),
};

/** L-2, S-3.2: a new item of the correction catalogue. */
export const createCorrectionItemBody = z
  .object({
    code: correctionCode.describe('代码（小写字母、数字、下划线）'),
    ...correctionItemFields,
    matterCategories: correctionItemFields.matterCategories.default([]),
    requiredByDefault: correctionItemFields.requiredByDefault.default(false),
    active: correctionItemFields.active.default(true),
    position: correctionItemFields.position.optional().describe('目录中的顺序；默认排在最后'),
  })
  .strict();

/** A change of a catalogue item: the fields given change; the code does not. */
export const updateCorrectionItemBody = z
  .object(correctionItemFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项');

export const correctionItemParams = z.object({ code: correctionCode });
export const correctionItemsQuery = z.object({
  matterCategory: z.enum(MATTER_CATEGORY_CODES).optional().describe('只列适用于该事项的'),
  active: z.enum(['true', 'false']).optional().describe('只列启用（true）或停用（false）的'),
});

export const createApplicationBody = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).describe('负责审查的法律援助机构'),
    channel: z.enum(CHANNELS).describe('受理渠道'),
    applicant: z
      .object({
        name: line('申请人姓名').trim().min(1).max(50),
        idNumber: line('公民身份号码')
          .trim()
          .toUpperCase()
          .refine(isValidResidentIdNumber, '公民身份号码不正确（18 位，末位校验码需正确）')
          .optional()
          .describe('公民身份号码；申请必填，通知辩护/代理案件按通知机关提供的填写（可无）'),
        idDocument: z
          .object({
            type: z.enum(Object.keys(ID_DOCUMENT_TYPES) as [IdDocumentType, ...IdDocumentType[]]),
            number: line('证件号码').trim().min(1, '请填写证件号码').max(64),
            issuedBy: line('国籍或签发地').trim().min(1).max(64).optional(),
          })
          .strict()
          .optional()
          .describe('通知辩护/代理案件：通知机关提供的其他身份证件（外国人护照等，L-4）'),
        phone: line('手机号码')
          .regex(/^1\d{10}$/, '手机号码应为 11 位数字')
          .optional(),
        email: z.email('电子邮箱格式不正确').max(200).check(noControlCharacters('电子邮箱')).optional(),
      })
      .strict(),
    matter: z
      .object({
        category: z.enum(MATTER_CATEGORY_CODES),
        summary: text('案情摘要').trim().min(1).max(2000),
      })
      .strict(),
    economicSituation: z
      .object({
        householdSize: z.int().min(1).max(30).describe('家庭人口数'),
        monthlyHouseholdIncome: z.number().min(0).max(100_000_000).describe('家庭月收入（元）'),
        commitmentSigned: z.boolean().describe('是否签署经济困难状况诚信承诺（S-3.1）'),
      })
      .strict()
      .optional()
      .describe('申请必填；通知辩护/代理案件不审查经济困难状况，不填（L-4）'),
    materialsSupplied: z.array(correctionCode).max(20).default([]).describe('已提交的材料（材料目录代码）'),
    materialsRequired: z
      .array(correctionCode)
      .max(20)
      .optional()
      .describe('工作人员从材料目录中另行要求的材料或说明事项（L-2，一次性告知；目录中默认要求的事项自动列入）'),
    intake: z
      .object({
        receivingAgencyCode: z.enum(AGENCY_CODES).optional().describe('市域通办：实际收件的机构（与负责机构不同时）'),
        notification: z
          .object({
            organ: z.enum(
              Object.keys(NOTIFYING_ORGANS) as [keyof typeof NOTIFYING_ORGANS, ...(keyof typeof NOTIFYING_ORGANS)[]],
            ),
            organName: line('通知机关名称').trim().min(1).max(100),
            letterNo: line('通知书文号').trim().min(1, '请填写通知书文号').max(100).describe('通知书（公函）文号'),
            noticeDate: z.iso.date().describe('通知书落款日期'),
            caseStage: z
              .enum(NOTIFICATION_CASE_STAGES)
              .describe('诉讼阶段：侦查、审查起诉、一审、二审、再审、死刑复核'),
            ground: z.enum(Object.keys(NOTIFICATION_GROUNDS) as [NotificationGround, ...NotificationGround[]]),
          })
          .strict()
          .optional()
          .describe('通知辩护/代理（L-4；法律援助法第二十五条、第二十八条、第三十六条）：通知机关的通知书'),
        custody: z
          .object({
            facility: line('羁押场所').trim().min(1).max(100),
            receivedByFacilityAt: z.iso.datetime({ offset: true }),
          })
          .strict()
          .optional()
          .describe('被羁押人申请：羁押场所收到申请的时间（L-14，24 小时内转交）'),
        paperMaterialsForwarded: z.boolean().optional().describe('村居代办：纸质材料是否已转交（S-2.2）'),
        correctionCommitment: z
          .boolean()
          .optional()
          .describe('材料不全时申请人承诺：逾期未补齐的，视为撤回申请或终止法律援助（S-3.2）'),
        limitationDeadline: z.iso.date().optional().describe('时效或期限届满日（L-7：不足七日的先行受理）'),
        urgentPreservation: z.boolean().optional().describe('需要立即申请保全或先予执行（L-7）'),
        urgency: z
          .object({
            ground: z.enum(Object.keys(URGENCY_GROUNDS) as [UrgencyGround, ...UrgencyGround[]]),
            reason: line('紧急情况说明').trim().min(1).max(500),
          })
          .strict()
          .optional()
          .describe('情况紧急，先行受理（S-3.2、L-7）：紧急情形及具体说明'),
        assignment: z
          .object({
            chosenMemberId: memberId.optional().describe('受援人选择的法律援助人员（S-2.9(a)）'),
            earlierApplicationNo: line('前一诉讼阶段的申请编号')
              .regex(/^[A-Z]{2,4}-\d{4}-\d{6}$/)
              .optional()
              .describe('同一案件前一诉讼阶段的申请编号（S-2.9(b)）'),
            hotlineOfficerId: memberId.optional().describe('经办的 12348 值班人员（S-2.9(d)）'),
            hotlineCallId: line('来电编号')
              .max(48)
              .optional()
              .describe('引导申请人前来或转办本申请的 12348 / 在线来电编号：其值班人员优先承办（S-2.9(d)，S-2.7）'),
            villageAdvisorId: memberId.optional().describe('帮助申请或上门服务的村居法律顾问（S-2.9(e)）'),
            majorCase: z.boolean().optional().describe('重大、疑难、复杂案件，须集体讨论（S-2.9(f)，S-3.3）'),
            aidedPersons: z.number().int().min(1).max(10_000).optional().describe('受援人数（群体性案件，S-3.3）'),
          })
          .strict()
          .optional()
          .describe('指派所需情形（S-2.9，S-3.3）'),
      })
      .strict()
      .optional(),
    eligibilityClaims: z
      .object({
        noTestGround: z.enum(Object.keys(NO_TEST_GROUNDS) as [NoTestGround, ...NoTestGround[]]).optional(),
        migrantWorker: z.boolean().optional(),
        specialGroup: z.enum(['minor', 'elderly', 'disabled', 'other']).optional(),
        noFixedIncome: z.boolean().optional(),
        assistance: z.enum(['social_assistance', 'judicial_assistance', 'preferential_care']).optional(),
        extremePoverty: z.boolean().optional(),
        disabledOrSemiDisabled: z.boolean().optional(),
        seriousIllness: z.boolean().optional(),
        mobilityImpaired: z.boolean().optional().describe('行动不便（S-2.3 建议上门服务）'),
        otherGroup: line('其他群体').max(64).optional(),
        documentsSeen: z
          .array(z.enum(Object.keys(SUPPORTING_DOCUMENTS) as [SupportingDocument, ...SupportingDocument[]]))
          .max(20)
          .optional(),
      })
      .strict()
      .optional()
      .describe('申请人主张的免于核查或不受经济困难条件限制的情形（S-1.2，L-8）及工作人员已查验的证明材料'),
  })
  .strict()
  .superRefine((body, ctx) => {
    // L-4: a notification case carries the notifying organ, the notice date and the ground; nothing else does.
    if ((body.channel === 'notification') !== (body.intake?.notification !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['intake', 'notification'],
        message:
          body.channel === 'notification'
            ? '通知类案件须填写通知机关、通知日期和通知理由（L-4）'
            : '只有通知类案件填写通知信息',
      });
    }
    if (body.channel !== 'notification') {
      // An application is the applicant's own: their resident ID number and their economic situation (S-3.1).
      if (!body.applicant.idNumber) {
        ctx.addIssue({ code: 'custom', path: ['applicant', 'idNumber'], message: '请填写申请人的公民身份号码' });
      }
      if (body.applicant.idDocument) {
        ctx.addIssue({
          code: 'custom',
          path: ['applicant', 'idDocument'],
          message: '只有通知辩护/代理案件登记其他身份证件；申请人须提供公民身份号码',
        });
      }
      if (!body.economicSituation) {
        ctx.addIssue({ code: 'custom', path: ['economicSituation'], message: '请填写经济困难状况（S-3.1）' });
      }
    } else if (body.economicSituation) {
      ctx.addIssue({
        code: 'custom',
        path: ['economicSituation'],
        message: '通知辩护/代理案件不审查经济困难状况，不填写经济状况（L-4）',
      });
    }
    if (body.intake?.paperMaterialsForwarded !== undefined && body.channel !== 'village_agent') {
      ctx.addIssue({
        code: 'custom',
        path: ['intake', 'paperMaterialsForwarded'],
        message: '只有村居代办的申请填写纸质材料转交情况',
      });
    }
  });
export type CreateApplicationBody = z.infer<typeof createApplicationBody>;

export const supplyMaterialsBody = z
  .object({
    items: z.array(correctionCode).min(1, '至少补交一项材料').max(20).describe('补交的材料或说明（材料目录代码）'),
  })
  .strict();

/** S-3.2: an extension of the correction deadline, up to the case rules' `maxExtensionDays` (the workflow's limit). */
export const extendDeadlineBody = (maxDays: number) =>
  z
    .object({
      days: z
        .int()
        .min(1)
        .max(maxDays, { error: `延长天数应为 1 至 ${maxDays} 日（S-3.2）` })
        .describe('延长的日数（日历日）'),
      reason: freeText('延长理由', '须说明延长理由', 500),
    })
    .strict();

export const verificationTaskBody = z
  .object({
    route: z
      .enum(Object.keys(VERIFICATION_ROUTES) as [VerificationRoute, ...VerificationRoute[]])
      .describe('核查方式（S-3.1）'),
    dueDays: z.int().min(1).max(30).default(5).describe('核查期限（日）'),
    servicePointId: line('服务点编号')
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._:-]+$/, '服务点编号只能包含字母、数字和 . _ : -')
      .optional()
      .describe('实地核实委托的村居法律服务点（本机构的；S-3.1、S-2.1）；不填：代办申请的服务点'),
  })
  .strict()
  .refine((b) => b.servicePointId === undefined || b.route === 'field_check', {
    message: '只有实地核实可以委托村居法律服务点（S-3.1）',
    path: ['servicePointId'],
  });

export const verificationResultBody = z
  .object({
    result: z
      .enum(['confirmed', 'refuted', 'inconclusive'])
      .describe('confirmed 属实；refuted 不属实；inconclusive 无确切结果'),
    note: freeText('核查结果', '请写明核查结果'),
  })
  .strict();

export const settleVerificationBody = z
  .object({
    basis: z
      .enum(['no_doubt', 'inference'])
      .describe('no_doubt 无疑点且信用良好（S-3.1 第一项）；inference 推定采信（第三项）'),
    reason: text('采信理由').trim().max(2000).optional(),
  })
  .strict();

export const taskIdParams = z.object({
  applicationNo: applicationNo(),
  taskId: line('核查任务编号').regex(/^[a-z_]+-\d+$/, '核查任务编号格式不正确'),
});

export const terminationBody = z
  .object({
    ground: z.enum(Object.keys(L9_GROUNDS) as [L9Ground, ...L9Ground[]]).describe('终止理由（L-9）'),
    reason: freeText('终止的事实和理由', '请写明终止的事实和理由'),
  })
  .strict();

export const objectionBody = z.object({ reason: freeText('异议理由', '请写明异议理由') }).strict();

export const objectionDecisionBody = z
  .object({
    outcome: z.enum(['upheld', 'corrected']).describe('upheld 维持；corrected 责令重新作出决定'),
    reason: freeText('审查意见', '请写明审查意见'),
  })
  .strict();

/** L-4: a notification the agency cannot act on goes back to the organ, with the reasons. */
export const returnToOrganBody = z
  .object({
    ground: z.enum(Object.keys(RETURN_GROUNDS) as [ReturnGround, ...ReturnGround[]]).describe('退回原因（L-4）'),
    reason: freeText('退回的事实和理由', '请写明退回的事实和理由', 1000),
  })
  .strict();

export const decisionBody = z
  .object({
    decision: z.enum(['grant', 'refuse']),
    reason: text('决定理由').trim().max(2000).optional(),
  })
  .strict()
  .refine((body) => body.decision === 'grant' || (body.reason !== undefined && body.reason.length > 0), {
    path: ['reason'],
    message: '不予法律援助须书面说明理由（L-1）',
  });

export const listQuery = z
  .object({
    stage: z.enum(Object.keys(STAGES) as [keyof typeof STAGES, ...(keyof typeof STAGES)[]]).optional(),
    agencyCode: z.enum(AGENCY_CODES).optional(),
    channel: z.enum(CHANNELS).optional(),
    correctionDueBefore: z.iso.datetime({ offset: true }).optional().describe('补正期限早于此时间'),
    reviewDueBefore: z.iso.datetime({ offset: true }).optional().describe('审查期限早于此时间'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: applicationNo('分页起点').optional().describe('分页：上一页最后一个申请编号'),
  })
  .strict();

export const stageSchema = z.enum(Object.keys(STAGES) as [keyof typeof STAGES, ...(keyof typeof STAGES)[]]);

export const statusLookupBody = z
  .object({
    applicationNo: applicationNo(),
    code: line('查询码').trim().min(4).max(16).describe('受理回执上的查询码'),
  })
  .strict();

/** S-2.9, S-2.10: the agency assigns by rotation, by a priority naming the member, or after a collective discussion. */
export const assignCaseBody = z
  .object({
    method: z
      .enum(['rotation', 'priority', 'discussion'])
      .describe('rotation 轮流；priority 优先指派；discussion 集体讨论'),
    rule: z.enum(['S-2.9(a)', 'S-2.9(b)', 'S-2.9(d)', 'S-2.9(e)']).optional().describe('优先指派适用的情形'),
    memberId: memberId.optional(),
    discussionRecord: text('集体讨论记录').trim().min(1).max(4000).optional().describe('集体讨论记录（S-2.9(f)）'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.method === 'priority' && !body.rule) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: '优先指派须注明适用的 S-2.9 情形' });
    }
    if (body.method !== 'rotation' && !body.memberId) {
      ctx.addIssue({ code: 'custom', path: ['memberId'], message: '须指定法律援助人员（S-2.10）' });
    }
    if (body.method === 'discussion' && !body.discussionRecord) {
      ctx.addIssue({ code: 'custom', path: ['discussionRecord'], message: '须有集体讨论记录（S-2.9(f)）' });
    }
  });

export const confirmAssignedMemberBody = z
  .object({
    ledgerSeq: z.number().int().min(1).describe('轮流指派记录编号'),
    memberId: memberId.describe('确认承办的本机构人员'),
  })
  .strict();

export const conflictBody = z
  .object({
    memberId,
    scope: z.enum(['member', 'institution']).default('member').describe('member 本人；institution 整个机构'),
    reason: freeText('利益冲突或不能承办的原因', '请写明利益冲突或不能承办的原因'),
  })
  .strict();

export const replacementBody = z.object({ memberId, reason: freeText('更换理由', '请写明准予更换的理由') }).strict();

// S-2.8 personnel pool. Member ids are staff ids and institution ids codes: never names.
const poolId = (what: string) =>
  line(what)
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, `${what}只能包含字母、数字和 . _ : -`);
const poolReason = (label: string, required: string) => freeText(label, required);

export const poolMemberParams = z.object({ memberId: poolId('人员编号') });
export const poolInstitutionParams = z.object({ institutionId: poolId('机构编号') });
// S-4.7: the institution's responsible people (负责人), by staff id.
export const responsiblePeopleBody = z
  .object({
    personIds: z
      .array(poolId('负责人编号'))
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, { message: '负责人编号不能重复' })
      .describe('机构负责人的人员编号（工号），不填姓名'),
  })
  .strict();

export const createInstitutionBody = z
  .object({
    id: poolId('机构编号'),
    agencyCode: z.enum(AGENCY_CODES).describe('所属法律援助机构'),
    name: line('机构名称').trim().min(1).max(200).describe('机构名称'),
    kind: z
      .enum(Object.keys(INSTITUTION_KINDS) as [InstitutionKind, ...InstitutionKind[]])
      .default('law_firm')
      .describe('law_firm 律师事务所；grassroots_office 基层法律服务所'),
    listOrder: z
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .describe('在机构名单中的位置（轮流指派顺序，S-2.9）；缺省排在最后'),
  })
  .strict();

// S-2.9(g): province- and city-level excellent ratings of a member or an institution.
export const excellentRatingBody = z
  .object({
    subject: z
      .object({
        kind: z.enum(['member', 'institution']).describe('member 法律援助人员；institution 法律服务机构'),
        id: poolId('人员或机构编号'),
      })
      .strict(),
    level: z.enum(RATING_LEVEL_CODES).describe('province 省级；city 市级'),
    ratedOn: z.iso.date().describe('评为优秀的日期（中国日期，YYYY-MM-DD）'),
    basis: line('表彰文件').trim().min(1, '请写明表彰文件名称或文号').max(500).describe('表彰文件名称或文号'),
    requestId: idempotencyKey.optional().describe('幂等键（也可放在请求头 Idempotency-Key）'),
  })
  .strict();
export const excellentRatingsQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    memberId: poolId('人员编号').optional(),
    institutionId: poolId('机构编号').optional(),
  })
  .strict();

export const institutionsQuery = z.object({ agencyCode: z.enum(AGENCY_CODES).optional() }).strict();

export const createMemberBody = z
  .object({
    memberId: poolId('人员编号').describe('人员编号（工号），不填姓名'),
    institutionId: poolId('机构编号'),
    entryRoute: z
      .enum(Object.keys(ENTRY_ROUTES) as [EntryRoute, ...EntryRoute[]])
      .describe('recruitment 公开招募；recommendation 机构推荐（S-2.8）'),
    specialties: z
      .array(line('专业特长').trim().min(1).max(50))
      .max(20)
      .default([])
      .describe('专业特长；刑事辩护专长填 criminal（或“刑事”“刑事辩护”），通知类案件在本轮优先（S-2.9(c)）'),
    practiceYears: z.int().min(0).max(70).default(0).describe('执业年限'),
    criminalDefenceYears: z.int().min(0).max(70).default(0).describe('刑事辩护年限（L-5）'),
    dutyLawyer: z.boolean().default(false).describe('值班律师（S-2.9(c)）'),
    juvenileCompetent: z.boolean().default(false).describe('熟悉未成年人身心特点（L-5）'),
    reason: text('入库说明').trim().min(1).max(2000).optional(),
    requestId: idempotencyKey.optional().describe('幂等键（也可放在请求头 Idempotency-Key）'),
  })
  .strict();

export const poolStepBody = z
  .object({
    reason: poolReason('情况说明', '请写明情况'),
    requestId: idempotencyKey.optional(),
  })
  .strict();

export const confirmMemberBody = z
  .object({
    reason: text('确认说明').trim().min(1).max(2000).optional(),
    /** S-2.8 熟知标准: how the agency established that the member knows the legal-aid standards. */
    standards: z
      .object({
        basis: z.enum(STANDARDS_BASIS_CODES, {
          error: '请选择熟知标准的依据：培训（training）或书面承诺（attestation）',
        }),
        date: z.iso.date({ error: '请填写培训或承诺的日期（YYYY-MM-DD）' }),
        reference: freeText('培训记录或承诺书存放处', '请填写培训名称、记录编号或承诺书存放处', 200),
      })
      .strict(),
    requestId: idempotencyKey.optional(),
  })
  .strict();

export const removalBody = z
  .object({
    kind: z
      .enum(REMOVAL_KIND_CODES)
      .describe(
        'score 案件评分 65 分以下（S-2.8(a)）；assessment 年度考核不合格；penalty 行政处罚或行业处分（S-2.8(b)）',
      ),
    reason: poolReason('移出理由', '请写明移出理由'),
    applicationNo: applicationNo('案件申请编号').optional(),
    score: points('案件质量评估分数').optional().describe('案件质量评估分数（S-2.8(a)；不高于配置的移出分数线）'),
    impactUntil: z.iso.datetime({ offset: true }).optional().describe('影响期届满时间（S-2.8(b) 必填）'),
    requestId: idempotencyKey.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind === 'score') {
      if (body.impactUntil !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['impactUntil'],
          message: '因案件评分移出的人员没有影响期，经重新审核和培训后方可重新入库（S-2.8(a)）',
        });
      }
      return; // the threshold is configured: api/pool.ts checks it (domain/quality.ts `removesMember`)
    }
    if (body.score !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: '案件评分只用于 S-2.8(a) 的移出' });
    }
    if (body.impactUntil === undefined || Date.parse(body.impactUntil) <= Date.now()) {
      ctx.addIssue({
        code: 'custom',
        path: ['impactUntil'],
        message: '年度考核不合格或受到处罚、处分的，须写明影响期届满时间，且应晚于当前时间（S-2.8(b)）',
      });
    }
  });

export const membersQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    status: z.enum(MEMBER_STATUS_CODES).optional(),
    institutionId: poolId('机构编号').optional(),
  })
  .strict();

// L-6, L-9, L-12, S-2.9(b), S-4.3: the member's performance of the case.
const chinaDate = z.iso.date().describe('日期（中国时间，YYYY-MM-DD）');

export const engagementBody = z.object({ signedOn: chinaDate.describe('委托协议签订日期（L-6）') }).strict();
export const engagementDelayBody = z
  .object({
    cause: z.enum(['aided_person', 'objective']).describe('aided_person 受援人原因；objective 其他客观原因'),
    reason: freeText('延迟原因', '请写明延迟原因'),
  })
  .strict();
export const progressBody = z.object({ note: freeText('办案进展', '请填写办案进展', 4000) }).strict();
export const caseStageBody = z
  .object({
    to: z.enum(Object.keys(CASE_STAGES) as [CaseStage, ...CaseStage[]]).describe('进入的诉讼阶段（S-2.9(b)）'),
    note: freeText('阶段变化说明', '请说明阶段变化'),
  })
  .strict();
export const terminationGroundBody = z
  .object({
    ground: z.enum(Object.keys(L9_GROUNDS) as [L9Ground, ...L9Ground[]]).describe('终止情形（L-9）'),
    facts: freeText('相关事实', '请说明相关事实'),
  })
  .strict();
export const matterEndedBody = z.object({ endedOn: chinaDate.describe('案件办结日期（L-12）') }).strict();
export const caseFileBody = z
  .object({
    documents: z
      .array(line('法律文书名称').trim().min(1, '文书名称不能为空').max(200))
      .min(1, '须附法律文书副本')
      .max(50)
      .describe('法律文书（L-12）'),
    report: freeText('办案小结', '请填写办案小结', 20_000).describe('办案小结'),
    matterEndedOn: chinaDate.optional(),
  })
  .strict();
export const caseFileReviewBody = z
  .object({
    approved: z.boolean().describe('true 审查通过，上传法律援助机构；false 退回（S-4.3）'),
    comments: text('审查意见').trim().max(4000).default(''),
  })
  .strict();

// S-4.4, S-4.6: the evaluation's steps.
export const assignEvaluatorBody = z
  .object({
    evaluatorId: line('评估人员编号').trim().min(1).max(128),
    kind: z.enum(['expert', 'peer', 'staff']).describe('expert 专家；peer 同行；staff 机构工作人员'),
  })
  .strict();
export const specialCaseBody = z.object({ reason: freeText('特殊案件的理由', '请写明特殊案件的理由') }).strict();
export const scoreBody = z
  .object({
    points: z.record(line('评分项编号').min(1).max(64), points('评分项得分')).describe('各评分项得分'),
    comments: text('评分意见').trim().max(4000).default(''),
  })
  .strict();
export const reviewScoreBody = z
  .object({
    score: points('复核后的分数'),
    comments: freeText('复核意见', '请写明复核意见', 4000),
  })
  .strict();
export const evaluationObjectionBody = z.object({ reason: freeText('异议理由', '请写明异议理由', 4000) }).strict();
export const interviewBody = z
  .object({ heldOn: chinaDate, notes: freeText('约谈情况', '请记录约谈情况', 4000) })
  .strict();

// S-4.4 scoring sheets (city-wide, loaded by the city centre) and the stored evaluations.
const sheetItem = z
  .object({
    code: line('评分项编号')
      .regex(/^[A-Za-z0-9._-]{1,32}$/, '评分项编号只能包含字母、数字和 . _ -，最多 32 个字符')
      .describe('评分项编号'),
    label: line('评分项名称').trim().min(1).max(200).describe('评分项名称'),
    max: z.number().positive().max(100).describe('该项满分'),
    weight: z.number().positive().max(100).describe('权重：各项满分乘以权重之和应为 100'),
  })
  .strict();

export const createSheetBody = z
  .object({
    id: poolId('评分表编号'),
    kind: z
      .enum(SHEET_KIND_CODES)
      .describe('criminal 刑事案件；civil_administrative 民事、行政案件（浙江省评估标准，S-4.4）'),
    version: z.int().min(1).max(100_000).describe('版本号：同一类型内唯一，新标准用新版本号'),
    title: line('评分表名称').trim().min(1).max(200),
    items: z.array(sheetItem).min(1, '评分表至少要有一个评分项').max(200),
    effectiveFrom: z.iso.date('启用日期格式应为 YYYY-MM-DD').describe('启用日期（中国日期）'),
    agencyCode: z
      .enum(AGENCY_CODES)
      .default('SX')
      .describe('SX 全市评分表（各县未另定时适用）；区、县（市）法律援助中心的代码：该中心的评估实施细则（S-4.4）'),
  })
  .strict()
  .superRefine((body, ctx) => {
    try {
      validateSheet(body.items);
    } catch (err) {
      if (!(err instanceof ScoreSheetError)) throw err;
      ctx.addIssue({ code: 'custom', path: ['items'], message: err.message });
    }
  });

export const sheetsQuery = z
  .object({
    kind: z.enum(SHEET_KIND_CODES).optional(),
    on: z.iso
      .date('日期格式应为 YYYY-MM-DD')
      .optional()
      .describe('只列出该日（中国日期）适用的评分表，每个中心每类一份'),
    agencyCode: z.enum(AGENCY_CODES).optional().describe('只列出该中心的评分表（SX 为全市）'),
  })
  .strict();

export const sheetParams = z.object({ id: poolId('评分表编号') });

export const evaluationsQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    status: line('评估状态')
      .regex(/^[a-z_]{1,24}$/, '评估状态格式不正确')
      .optional()
      .describe(
        'waiting_evaluator、scoring、expert_review、objection_window、objection_review、spot_check、final、special',
      ),
    memberId: poolId('人员编号').optional(),
    institutionId: poolId('机构编号').optional(),
    year: z.coerce.number().int().min(2000).max(2100).optional().describe('评估结果所属年度（中国时间）'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: applicationNo('分页起点').optional().describe('分页：上一页最后一个申请编号'),
  })
  .strict();
// S-4.5 fee schedule, payout ledger and batches; S-4.6 published results; S-4.7 awards.
/** Matter types of the fee schedule; `any` is the row for every type without one of its own. */
export const FEE_MATTER_TYPES = ['criminal', 'civil', 'administrative', 'any'] as const;
const cstDate = (what: string) => z.iso.date(`${what}应为日期 YYYY-MM-DD（北京时间）`);

export const createFeeBody = z
  .object({
    agencyCode: z
      .enum(AGENCY_CODES)
      .nullable()
      .default(null)
      .describe('法律援助机构；缺省或 null 为全市通用标准（仅市法律援助中心可登记）'),
    matterType: z.enum(FEE_MATTER_TYPES).describe('criminal 刑事；civil 民事；administrative 行政；any 其他未单列的'),
    caseStage: line('办案阶段')
      .regex(/^[a-z][a-z0-9_]{0,31}$/, '办案阶段应为小写字母、数字和下划线，如 first_instance、any')
      .describe('办案阶段，如 investigation、prosecution、first_instance、appeal；any 为未单列的阶段'),
    amountCents: z.int().min(1, '金额应大于 0').max(100_000_000).describe('基本劳务费（分）'),
    effectiveFrom: cstDate('生效日期').describe('自该日起适用（含当日）；以后日期的新标准取代旧标准'),
  })
  .strict();

export const feesQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional().describe('该机构的标准及全市通用标准'),
    on: cstDate('日期').optional().describe('只列该日适用的标准'),
    matterType: line('案件类型').max(32).optional().describe('与 agencyCode、on、caseStage 一起：返回该案适用的标准'),
    caseStage: line('办案阶段').max(32).optional(),
  })
  .strict();

export const createBatchBody = z
  .object({
    agencyCode: z.enum(AGENCY_CODES),
    periodStart: cstDate('起始日期'),
    periodEnd: cstDate('截止日期').describe('含当日（北京时间 24 时前生成的明细）'),
  })
  .strict()
  .refine((b) => b.periodStart <= b.periodEnd, { path: ['periodEnd'], message: '截止日期不能早于起始日期' });

export const batchesQuery = z.object({ agencyCode: z.enum(AGENCY_CODES).optional() }).strict();

export const batchParams = z.object({ batchId: line('批次编号').regex(/^\d{1,18}$/, '批次编号格式不正确') });

export const payoutsQuery = z
  .object({
    applicationNo: applicationNo().optional(),
    agencyCode: z.enum(AGENCY_CODES).optional(),
    memberId: poolId('人员编号').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    after: line('分页起点')
      .regex(/^\d{1,18}$/)
      .optional()
      .describe('分页：上一页最后一条明细编号'),
  })
  .strict();

const yearParam = z.coerce.number().int().min(2000).max(2100).optional().describe('年度（北京时间），缺省为本年度');

export const resultsParams = z.object({ agencyCode: z.enum(AGENCY_CODES) });
export const resultsQuery = z.object({ year: yearParam }).strict();
export const awardsQuery = z.object({ agencyCode: z.enum(AGENCY_CODES).optional(), year: yearParam }).strict();

// S-2.4–S-2.7 hotline calls and online inquiries.
export const createCallBody = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).describe('接听机构'),
    channel: z.enum(['phone', 'online']).describe('phone 12348 热线；online 在线咨询'),
    receivedAt: z.iso.datetime({ offset: true }).optional().describe('来电时间（缺省为现在）'),
  })
  .strict();
export const callIdParams = z.object({ callId: line('来电编号').regex(/^H-[0-9a-f]{20}$/, '来电编号格式不正确') });
export const callsQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    status: z.enum(['waiting', 'claimed', 'answered', 'closed']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const callOutcomeBody = z
  .object({
    kind: z
      .enum(['guided', 'transferred', 'out_of_scope', 'complaint'])
      .describe('guided 引导申请；transferred 转单；out_of_scope 不属于范围；complaint 来电投诉（L-13）'),
    note: freeText('处理情况', '请记录处理情况', 4000),
    referredTo: line('告知的主管部门').trim().max(200).optional().describe('告知的主管部门'),
    applicationNo: applicationNo('转单的申请编号').optional().describe('转单的申请编号'),
    complaintId: line('投诉编号')
      .regex(/^TS-[0-9a-f]{20}$/, '投诉编号格式不正确')
      .optional()
      .describe('来电投诉登记的投诉编号（L-13）'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.kind === 'transferred' && !b.applicationNo) {
      ctx.addIssue({ code: 'custom', path: ['applicationNo'], message: '转单须注明法律援助申请编号' });
    }
    if (b.kind === 'complaint' && !b.complaintId) {
      ctx.addIssue({ code: 'custom', path: ['complaintId'], message: '来电投诉须注明登记的投诉编号' });
    }
  });
export const dutyQuery = z.object({ agencyCode: z.enum(AGENCY_CODES).optional() }).strict();
// S-2.1-S-2.3 village/community service points, S-2.2 and S-2.6 training. Ids are codes and staff ids, never names.
export const createServicePointBody = z
  .object({
    id: poolId('服务点编号'),
    agencyCode: z.enum(AGENCY_CODES).describe('所属法律援助机构'),
    name: line('服务点名称').trim().min(1).max(200).describe('服务点名称（如某村法律服务点）'),
    township: line('所在乡镇（街道）').trim().min(1).max(100).describe('所在乡镇（街道），纸质材料转交的司法所'),
  })
  .strict();
export const servicePointParams = z.object({ id: poolId('服务点编号') });
export const servicePointPersonBody = z
  .object({
    personId: poolId('人员编号').describe('人员编号（工号），不填姓名'),
    role: z.enum(POINT_ROLE_CODES).describe('advisor 村居法律顾问；agent 代办人；volunteer 志愿者（S-2.1）'),
  })
  .strict();
export const servicePointsQuery = z.object({ agencyCode: z.enum(AGENCY_CODES).optional() }).strict();
export const servicePointQuery = z.object({ year: yearParam }).strict();

export const paperForwardingBody = z
  .object({
    forwardedTo: z
      .enum(FORWARD_TARGET_CODES)
      .describe('township_office 乡镇（街道）司法所；agency 法律援助机构（S-2.2）'),
    items: z.array(correctionCode).min(1, '至少转交一项材料').max(20).describe('转交的纸质材料（材料目录代码）'),
  })
  .strict();
export const paperForwardingParams = z.object({
  applicationNo: applicationNo(),
  id: line('转交记录编号').regex(/^\d{1,18}$/, '转交记录编号格式不正确'),
});
export const paperForwardingsQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    outstanding: z.enum(['true', 'false']).default('true').describe('true 只列尚未签收的（缺省）'),
  })
  .strict();

export const homeVisitBody = z
  .object({
    applicationNo: applicationNo().optional(),
    note: text('上门服务需求').trim().min(1).max(2000).optional().describe('需要上门的情况（不填姓名、身份证号）'),
  })
  .strict();
export const homeVisitParams = z.object({
  id: poolId('服务点编号'),
  visitId: line('上门服务编号').regex(/^\d{1,18}$/, '上门服务编号格式不正确'),
});
export const scheduleVisitBody = z
  .object({
    visitorId: poolId('人员编号').describe('上门的法律顾问、代办人或志愿者'),
    scheduledFor: z.iso.datetime({ offset: true }).describe('约定上门时间'),
  })
  .strict();
export const visitDoneBody = z.object({ note: freeText('上门服务情况', '请记录上门服务情况', 4000) }).strict();

export const personParams = z.object({ personId: poolId('人员编号') });
export const trainingBody = z
  .object({
    kind: z
      .enum(TRAINING_KIND_CODES)
      .describe('agent_filing 村居代办培训（S-2.2）；hotline_duty 热线值班培训（S-2.6）'),
    course: line('培训课程').trim().min(1).max(200).describe('培训课程'),
    completedOn: chinaDate.describe('培训合格日期'),
    validUntil: chinaDate.optional().describe('有效期至（含当日）；不填为长期有效'),
  })
  .strict()
  .refine((b) => b.validUntil === undefined || b.validUntil >= b.completedOn, {
    path: ['validUntil'],
    message: '有效期不能早于培训合格日期',
  });

// Issue 8: stuck cases, SLA and workload figures. Agency filters take any agency-shaped code (an unknown one finds
// nothing), so a filter never fails on an agency added later to the configuration.
const agencyFilter = line('机构代码')
  .regex(/^[A-Za-z][A-Za-z0-9]{1,15}$/, '机构代码格式不正确')
  .describe('法律援助机构代码');
const idFilter = (label: string) => line(label).trim().min(1).max(128);
export const stuckQuery = z
  .object({
    view: z
      .enum(['open', 'overdue', 'due_soon', 'waiting'])
      .default('open')
      .describe('open 全部待办；overdue 已逾期；due_soon N 小时内到期；waiting 在当前阶段停留超过 N 天'),
    withinHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24),
    olderThanDays: z.coerce.number().int().min(0).max(3650).default(7),
    agencyCode: agencyFilter.optional(),
    stage: z.enum(Object.keys(STAGES) as [keyof typeof STAGES, ...Array<keyof typeof STAGES>]).optional(),
    kind: z.enum(Object.keys(OBLIGATION_KINDS) as [ObligationKind, ...ObligationKind[]]).optional(),
    ownerRole: z.enum(Object.keys(OWNER_ROLES) as [OwnerRole, ...OwnerRole[]]).optional(),
    ownerId: idFilter('责任人编号').optional(),
    channel: z.enum(CHANNELS).optional(),
    institutionId: idFilter('机构编号').optional(),
    memberId: idFilter('人员编号').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export const stuckCountsQuery = z.object({ agencyCode: agencyFilter.optional() }).strict();
export const slaQuery = z
  .object({
    agencyCode: agencyFilter.optional(),
    from: chinaDate.optional(),
    to: chinaDate.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '起始日期不能晚于结束日期', path: ['from'] });
export const workloadQuery = z.object({ agencyCode: agencyFilter.optional() }).strict();

/** Issue 9: a photo of a material (S-3.2) uploaded as the request body (image/jpeg, image/png or image/webp). */
export const photoUploadQuery = z
  .object({
    material: correctionCode.describe('照片对应的材料（材料目录代码）'),
    fileName: line('文件名').trim().min(1).max(200).default('photo').describe('原文件名'),
  })
  .strict();
export const materialPhotoParams = applicationNoParams.extend({
  photoId: line('照片编号').regex(/^\d{1,18}$/, '照片编号不正确'),
});

/** GET /applications/:no/history (api/history.ts): the case's workflow history, decrypted. */
export const HISTORY_DEFAULT_LIMIT = 500;
export const HISTORY_MAX_LIMIT = 2000;
export const historyQuery = z
  .object({
    limit: z.coerce
      .number('每个流程最多返回的事件数应为数字')
      .int('每个流程最多返回的事件数应为整数')
      .min(1, '每个流程最多返回的事件数至少为 1')
      .max(HISTORY_MAX_LIMIT, `每个流程最多返回 ${HISTORY_MAX_LIMIT} 个事件`)
      .default(HISTORY_DEFAULT_LIMIT)
      .describe('每个流程最多返回的事件数'),
  })
  .strict();

/** The answer's shape (published in api/openapi.ts). */
export const historyEventSchema = z.object({
  id: z.number().int().describe('Temporal 事件编号（流程内从 1 起）'),
  at: z.string().describe('事件时间（ISO 8601，UTC）'),
  atCst: z.string().describe('事件时间（北京时间 YYYY-MM-DD HH:mm:ss）'),
  type: z.string().describe('Temporal 事件类型，如 WorkflowExecutionSignaled'),
  label: z.string().describe('中文说明，如 启动、收到信号「登记补正材料」、执行活动「写入案件记录」、计时器到期'),
  name: z.string().nullable().describe('信号名、活动类型、子流程类型或计时器摘要（代码，无则为 null）'),
  nameLabel: z.string().nullable().describe('name 的中文名称（无则为 null）'),
  data: z.record(z.string(), z.unknown()).nullable().describe('解密后的数据（JSON）；无数据为 null'),
  decodeError: z.string().optional().describe('该事件的数据无法解密时的说明（其余事件照常返回）'),
});
export const historyResponse = z.object({
  applicationNo: z.string(),
  limit: z.number().int().describe('每个流程最多返回的事件数'),
  workflows: z.array(
    z.object({
      kind: z.enum(['application', 'evaluation']),
      label: z.string().describe('申请流程 / 质量评估流程'),
      workflowId: z.string(),
      events: z.array(historyEventSchema),
      truncated: z.boolean().describe('还有更多事件未返回（超过 limit）'),
    }),
  ),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;
export type HistoryResponse = z.infer<typeof historyResponse>;

// L-13 complaints (投诉). Ids and codes; the complainant's name and contact only where a named complaint needs them.
const codes = <T extends Record<string, string>>(table: T) =>
  Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];
export const complaintId = line('投诉编号').regex(
  /^TS-[0-9a-f]{20}$/,
  '投诉编号格式不正确，应如 TS-0123456789abcdef0123',
);
export const complaintIdParams = z.object({ complaintId }).strict();
export const fileComplaintBody = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).describe('受理投诉的法律援助机构'),
    channel: z.enum(codes(COMPLAINT_CHANNELS)).optional().describe('窗口工作人员登记时的渠道；其他人按身份确定'),
    complainantKind: z.enum(codes(COMPLAINANT_KINDS)).describe('投诉人身份'),
    anonymous: z.boolean().default(false).describe('匿名投诉：不留姓名和联系方式，凭查询码查询'),
    complainant: z
      .object({
        name: line('投诉人姓名').trim().min(1).max(50),
        phone: line('联系电话')
          .trim()
          .regex(/^[0-9+\-() ]{5,20}$/, '联系电话格式不正确')
          .optional(),
      })
      .strict()
      .optional()
      .describe('实名投诉的投诉人（匿名投诉不填）'),
    respondentKind: z.enum(codes(RESPONDENT_KINDS)).describe('被投诉的是机构还是人员'),
    respondentId: line('被投诉对象编号').trim().min(1).max(64).describe('法律援助机构代码、法律服务机构编号或人员编号'),
    applicationNo: applicationNo('所涉案件编号').optional().describe('所涉法律援助案件'),
    ground: z.enum(codes(COMPLAINT_GROUNDS)).describe('投诉事由'),
    facts: freeText('投诉事实', '请写明投诉的事实和理由', 4000),
    request: freeText('投诉请求', '请写明投诉请求', 1000),
    attachments: z.array(line('附件名称').trim().min(1).max(200)).max(20).default([]).describe('附件（材料名称）'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.anonymous && b.complainant) {
      ctx.addIssue({ code: 'custom', path: ['complainant'], message: '匿名投诉不填写投诉人信息' });
    }
    if (!b.anonymous && !b.complainant) {
      ctx.addIssue({ code: 'custom', path: ['complainant'], message: '实名投诉须填写投诉人姓名' });
    }
  });
export const complaintsQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    status: z.enum(COMPLAINT_STATUS_CODES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const complaintFiguresQuery = z
  .object({
    agencyCode: z.enum(AGENCY_CODES).optional(),
    year: z.coerce.number().int().min(2020).max(2100).optional().describe('收到投诉的年度（北京时间），默认今年'),
  })
  .strict();
export const acceptComplaintBody = z
  .object({
    accepted: z.boolean().describe('true 受理；false 不予受理'),
    reason: text('理由').trim().max(2000).default('').describe('不予受理的理由（必填）'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (!b.accepted && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '不予受理的，须写明理由' });
  });
export const complaintHandlerBody = z
  .object({
    handlerId: memberId.describe('办理人员（工作人员编号）'),
    handlerRole: z.enum(['agency_staff', 'agency_head', 'justice_bureau']).describe('办理人员的身份'),
  })
  .strict();
export const complaintInvestigationBody = z
  .object({
    kind: z.enum(codes(INVESTIGATION_KINDS)).describe('调查方式'),
    summary: freeText('调查情况', '请记录调查情况', 4000),
  })
  .strict();
export const complaintAnswerBody = z.object({ summary: freeText('说明', '请写明说明的内容', 4000) }).strict();
export const complaintExtensionBody = z
  .object({
    days: z.number().int().min(1).max(30).describe('延长的日数（至多 30 日，只能延长一次）'),
    reason: freeText('延长理由', '请写明延长理由'),
  })
  .strict();
export const complaintDecisionBody = z
  .object({
    outcome: z.enum(codes(COMPLAINT_OUTCOMES)).describe('处理结果'),
    measures: z
      .array(z.enum(codes(COMPLAINT_MEASURES)))
      .max(5)
      .default([])
      .describe('处理措施'),
    reason: freeText('处理理由', '请写明处理理由', 4000),
    impactUntil: z.iso.datetime({ offset: true }).optional().describe('移出人员库的影响期届满时间（S-2.8(b)）'),
  })
  .strict();
export const complaintWithdrawalBody = z.object({ reason: freeText('撤回理由', '请写明撤回理由') }).strict();
export const complaintLookupBody = z
  .object({ complaintId, code: line('查询码').trim().min(4).max(16).describe('投诉回执上的查询码') })
  .strict();
