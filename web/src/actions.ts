/**
 * Every action the API offers on a case, as a form. Each form's path and roles come from the API's own route
 * declaration (api/contract) and permission table (api/auth/access.ts), so each person sees exactly the forms the
 * API allows them; the API still decides per case (and its Chinese message is shown when it refuses).
 */
import { ACCESS, ROLE_NAMES, type Role } from '../../api/auth/access';
import { CONTRACT, pathOf, type RouteSpec } from '../../api/contract';
import { FORWARD_TARGETS } from '../../domain/village';
import { CASE_STAGE_LABELS, L9_GROUND_LABELS, MATERIALS, VERIFICATION_ROUTE_LABELS } from './labels';
import type { ActionSpec } from './forms';

export interface CaseAction extends ActionSpec {
  /** The roles the permission table allows for the route's action. */
  roles: readonly Role[];
  /** Stages in which the form is offered (all when absent). */
  stages?: string[];
  group: 'intake' | 'review' | 'assignment' | 'performance' | 'evaluation';
}

type Values = Record<string, string>;

const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/[\n，,、]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `materials`: the case's catalogue items by code (L-2), to supply or forward; the common core when not known. */
export function caseActions(no: string, materials: Record<string, string> = MATERIALS): CaseAction[] {
  /**
   * A form's path and roles from its route: the case's number fills `:applicationNo`, `extra` the route's other
   * parameters from the form's values (a task id); the roles are the permission table's for the route's action
   * (everyone for a public route).
   */
  const at = (
    spec: Pick<RouteSpec, 'path' | 'access'>,
    extra?: (v: Values) => Record<string, string>,
  ): Pick<CaseAction, 'path' | 'roles'> => ({
    path: extra ? (v) => pathOf(spec, { applicationNo: no, ...extra(v) }) : pathOf(spec, { applicationNo: no }),
    roles: spec.access === 'public' ? ROLE_NAMES : ACCESS[spec.access],
  });
  return [
    {
      id: 'materials',
      group: 'intake',
      title: '登记补正材料',
      rule: 'S-3.2',
      ...at(CONTRACT.applications.supplyMaterials),
      // S-3.2, L-7: aid accepted first is granted and assigned while its documents may still be awaited.
      stages: ['received', 'awaiting_materials', 'under_review', 'granted', 'assigning', 'assigned', 'performing'],
      fields: [{ name: 'items', label: '已收到的材料或说明', kind: 'multi', options: materials }],
      idempotent: true,
    },
    {
      id: 'extension',
      group: 'intake',
      title: '延长补正期限（一次）',
      rule: 'S-3.2',
      ...at(CONTRACT.applications.extendDeadline),
      stages: ['awaiting_materials', 'granted', 'assigning', 'assigned', 'performing'],
      fields: [
        { name: 'days', label: '延长日数', kind: 'number' },
        { name: 'reason', label: '理由', kind: 'textarea' },
      ],
    },
    {
      id: 'paper-forwarding',
      group: 'intake',
      title: '纸质材料转交',
      rule: 'S-2.2',
      ...at(CONTRACT.village.forwardPaper),
      fields: [
        { name: 'forwardedTo', label: '转交至', kind: 'select', options: FORWARD_TARGETS },
        { name: 'items', label: '转交的材料', kind: 'multi', options: materials },
      ],
      idempotent: true,
    },
    {
      id: 'paper-receipt',
      group: 'intake',
      title: '确认收到纸质材料',
      rule: 'S-2.2',
      ...at(CONTRACT.village.receivePaper, (v) => ({ id: v.id ?? '' })),
      fields: [{ name: 'id', label: '转交记录编号' }],
      body: () => ({}),
    },
    {
      id: 'verification-task',
      group: 'review',
      title: '发起经济状况核查',
      rule: 'S-3.1',
      ...at(CONTRACT.applications.requestVerification),
      stages: ['received', 'awaiting_materials', 'under_review'],
      fields: [
        { name: 'route', label: '核查方式', kind: 'select', options: VERIFICATION_ROUTE_LABELS },
        { name: 'dueDays', label: '期限（日）', kind: 'number' },
        { name: 'servicePointId', label: '委托的村居服务点编号（仅实地核实，可不填）' },
      ],
    },
    {
      id: 'verification-result',
      group: 'review',
      title: '登记核查结果',
      rule: 'S-3.1',
      ...at(CONTRACT.applications.reportVerification, (v) => ({ taskId: v.taskId ?? '' })),
      stages: ['received', 'awaiting_materials', 'under_review'],
      fields: [
        { name: 'taskId', label: '核查任务编号', placeholder: '如 field_check-1' },
        {
          name: 'result',
          label: '结果',
          kind: 'select',
          options: { confirmed: '属实', refuted: '不属实', inconclusive: '无法确认' },
        },
        { name: 'note', label: '说明', kind: 'textarea' },
      ],
      body: (v) => ({ result: v.result || undefined, note: v.note ?? '' }),
    },
    {
      id: 'verification-settle',
      group: 'review',
      title: '核查结论',
      rule: 'S-3.1',
      ...at(CONTRACT.applications.settleVerification),
      stages: ['received', 'awaiting_materials', 'under_review'],
      fields: [
        { name: 'basis', label: '依据', kind: 'select', options: { no_doubt: '无疑义，采信承诺', inference: '推定' } },
        { name: 'reason', label: '理由（推定时必填）', kind: 'textarea' },
      ],
    },
    {
      id: 'decision',
      group: 'review',
      title: '作出决定（给予/不予法律援助）',
      rule: 'L-1',
      ...at(CONTRACT.applications.decide),
      stages: ['under_review', 'awaiting_materials', 'received'],
      fields: [
        { name: 'decision', label: '决定', kind: 'select', options: { grant: '给予法律援助', refuse: '不予法律援助' } },
        { name: 'reason', label: '理由（不予时必填）', kind: 'textarea' },
      ],
      idempotent: true,
    },
    {
      id: 'termination',
      group: 'review',
      title: '终止法律援助',
      rule: 'L-9',
      ...at(CONTRACT.applications.terminate),
      stages: ['under_review', 'granted', 'assigning', 'assigned', 'performing'],
      fields: [
        { name: 'ground', label: '终止情形', kind: 'select', options: L9_GROUND_LABELS },
        { name: 'reason', label: '理由', kind: 'textarea' },
      ],
    },
    {
      id: 'objection',
      group: 'review',
      title: '登记异议',
      rule: 'L-10',
      ...at(CONTRACT.applications.object),
      stages: ['refused', 'terminated'],
      fields: [{ name: 'reason', label: '异议理由', kind: 'textarea' }],
    },
    {
      id: 'objection-decision',
      group: 'review',
      title: '异议审查决定',
      rule: 'L-10',
      ...at(CONTRACT.applications.decideObjection),
      stages: ['objection_review'],
      fields: [
        { name: 'outcome', label: '结果', kind: 'select', options: { upheld: '维持', corrected: '责令改正' } },
        { name: 'reason', label: '理由', kind: 'textarea' },
      ],
    },
    {
      id: 'assignment',
      group: 'assignment',
      title: '指派',
      rule: 'S-2.9',
      ...at(CONTRACT.applications.assign),
      stages: ['assigning', 'granted'],
      fields: [
        {
          name: 'method',
          label: '方式',
          kind: 'select',
          options: { rotation: '轮流指派', priority: '优先指派（S-2.9）', discussion: '集体讨论后指派（负责人）' },
        },
        {
          name: 'rule',
          label: '优先情形',
          kind: 'select',
          options: {
            'S-2.9(a)': '(a) 受援人选择',
            'S-2.9(b)': '(b) 前一阶段承办人',
            'S-2.9(d)': '(d) 热线值班人员',
            'S-2.9(e)': '(e) 村居法律顾问',
          },
        },
        { name: 'memberId', label: '法律援助人员编号' },
        { name: 'discussionRecord', label: '集体讨论纪要', kind: 'textarea' },
      ],
    },
    {
      id: 'confirmation',
      group: 'assignment',
      title: '确认承办人员',
      rule: 'S-2.10',
      ...at(CONTRACT.applications.confirmMember),
      stages: ['assigning'],
      fields: [
        { name: 'ledgerSeq', label: '轮流记录序号', kind: 'number' },
        { name: 'memberId', label: '承办人员编号' },
      ],
      idempotent: true,
    },
    {
      id: 'conflict',
      group: 'assignment',
      title: '报告利益冲突',
      rule: 'S-2.10',
      ...at(CONTRACT.applications.reportConflict),
      stages: ['assigning', 'assigned', 'performing'],
      fields: [
        { name: 'memberId', label: '人员编号' },
        { name: 'scope', label: '范围', kind: 'select', options: { member: '本人', institution: '整个机构' } },
        { name: 'reason', label: '理由', kind: 'textarea' },
      ],
    },
    {
      id: 'replacement',
      group: 'assignment',
      title: '更换承办人员',
      rule: 'L-11',
      ...at(CONTRACT.applications.replaceMember),
      stages: ['assigned', 'performing'],
      fields: [
        { name: 'memberId', label: '被更换人员编号' },
        { name: 'reason', label: '理由', kind: 'textarea' },
      ],
    },
    {
      id: 'engagement',
      group: 'performance',
      title: '签订委托协议',
      rule: 'L-6',
      ...at(CONTRACT.performance.recordEngagement),
      stages: ['assigned'],
      fields: [{ name: 'signedOn', label: '签订日期', kind: 'date' }],
    },
    {
      id: 'engagement-delay',
      group: 'performance',
      title: '登记签约延误原因',
      rule: 'L-6',
      ...at(CONTRACT.performance.recordEngagementDelay),
      stages: ['assigned'],
      fields: [
        {
          name: 'cause',
          label: '原因',
          kind: 'select',
          options: { aided_person: '受援人原因', objective: '客观原因' },
        },
        { name: 'reason', label: '说明', kind: 'textarea' },
      ],
    },
    {
      id: 'progress',
      group: 'performance',
      title: '办案进展',
      ...at(CONTRACT.performance.reportProgress),
      stages: ['performing'],
      fields: [{ name: 'note', label: '进展', kind: 'textarea' }],
    },
    {
      id: 'stage-change',
      group: 'performance',
      title: '诉讼阶段变更',
      rule: 'S-2.9(b)',
      ...at(CONTRACT.performance.changeCaseStage),
      stages: ['performing'],
      fields: [
        { name: 'to', label: '新阶段', kind: 'select', options: CASE_STAGE_LABELS },
        { name: 'note', label: '说明', kind: 'textarea' },
      ],
    },
    {
      id: 'termination-ground',
      group: 'performance',
      title: '报告终止情形',
      rule: 'L-9',
      ...at(CONTRACT.performance.reportTerminationGround),
      stages: ['performing', 'assigned'],
      fields: [
        { name: 'ground', label: '情形', kind: 'select', options: L9_GROUND_LABELS },
        { name: 'facts', label: '事实', kind: 'textarea' },
      ],
    },
    {
      id: 'matter-ended',
      group: 'performance',
      title: '案件办结日期',
      rule: 'L-12',
      ...at(CONTRACT.performance.reportMatterEnded),
      stages: ['performing'],
      fields: [{ name: 'endedOn', label: '办结日期', kind: 'date' }],
    },
    {
      id: 'case-file',
      group: 'performance',
      title: '提交结案材料',
      rule: 'L-12',
      ...at(CONTRACT.performance.submitCaseFile),
      stages: ['performing'],
      fields: [
        { name: 'documents', label: '结案文书（每行一份）', kind: 'textarea' },
        { name: 'report', label: '结案报告', kind: 'textarea' },
        { name: 'matterEndedOn', label: '办结日期', kind: 'date' },
      ],
      body: (v) => ({
        documents: lines(v.documents),
        report: v.report,
        ...(v.matterEndedOn ? { matterEndedOn: v.matterEndedOn } : {}),
      }),
    },
    {
      id: 'case-file-review',
      group: 'performance',
      title: '质量管理员审查结案材料',
      rule: 'S-4.3',
      ...at(CONTRACT.performance.reviewCaseFile),
      stages: ['file_review'],
      fields: [
        { name: 'approved', label: '审查结果', kind: 'select', options: { true: '通过，上传援助机构', false: '退回' } },
        { name: 'comments', label: '意见（退回时必填）', kind: 'textarea' },
      ],
      body: (v) => ({
        approved: v.approved === 'true' ? true : v.approved === 'false' ? false : undefined,
        comments: v.comments ?? '',
      }),
    },
    {
      id: 'evaluator',
      group: 'evaluation',
      title: '指定评估人员',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.assignEvaluator),
      stages: ['evaluating'],
      fields: [
        { name: 'evaluatorId', label: '评估人员编号' },
        { name: 'kind', label: '类别', kind: 'select', options: { expert: '专家', peer: '同行', staff: '工作人员' } },
      ],
    },
    {
      id: 'special',
      group: 'evaluation',
      title: '认定特殊案件（不评估）',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.markSpecial),
      stages: ['evaluating'],
      fields: [{ name: 'reason', label: '理由', kind: 'textarea' }],
    },
    {
      id: 'expert-review',
      group: 'evaluation',
      title: '专家复核',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.expertReview),
      stages: ['evaluating'],
      fields: [
        { name: 'score', label: '复核分数', kind: 'number' },
        { name: 'comments', label: '意见', kind: 'textarea' },
      ],
    },
    {
      id: 'evaluation-objection',
      group: 'evaluation',
      title: '对评估结果提出异议',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.objectToScore),
      stages: ['evaluating'],
      fields: [{ name: 'reason', label: '理由', kind: 'textarea' }],
    },
    {
      id: 'evaluation-objection-decision',
      group: 'evaluation',
      title: '异议复核',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.decideScoreObjection),
      stages: ['evaluating', 'closed'],
      fields: [
        { name: 'score', label: '分数', kind: 'number' },
        { name: 'comments', label: '意见', kind: 'textarea' },
      ],
    },
    {
      id: 'spot-check',
      group: 'evaluation',
      title: '抽查',
      rule: 'S-4.4',
      ...at(CONTRACT.performance.spotCheck),
      stages: ['evaluating', 'closed'],
      fields: [
        { name: 'score', label: '分数', kind: 'number' },
        { name: 'comments', label: '意见', kind: 'textarea' },
      ],
    },
    {
      id: 'interview',
      group: 'evaluation',
      title: '登记约谈',
      rule: 'S-4.6',
      ...at(CONTRACT.performance.recordInterview),
      stages: ['evaluating', 'closed'],
      fields: [
        { name: 'heldOn', label: '约谈日期', kind: 'date' },
        { name: 'notes', label: '记录', kind: 'textarea' },
      ],
    },
  ];
}
