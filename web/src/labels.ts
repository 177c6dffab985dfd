/** Chinese labels for codes the API uses; most come from the pure domain modules the API itself uses. */
import { CHANNELS_BY_ROLE, type Role } from '../../api/auth/access';
import { CHANNELS, type Channel } from '../../domain/channels';
export { AGENCIES } from '../../domain/agencies';
export { MATTER_CATEGORIES } from '../../domain/matters';
export { NOTIFICATION_GROUNDS, NOTIFYING_ORGANS } from '../../domain/intake';
export { MATERIALS } from '../../domain/materials';
export { STAGES } from '../../domain/stages';
export { ACTIVITY_LABELS, HISTORY_EVENT_LABELS, OTHER_EVENT_LABEL, STEP_LABELS } from '../../domain/workflow-history';

/** The same names as api/auth/access.ts ROLES (typed against its Role, so a new role fails the build here). */
export const ROLE_LABELS: Record<Role, string> = {
  applicant: '申请人',
  village_agent: '村居代办人',
  village_advisor: '村居法律顾问',
  hotline_officer: '12348 热线值班人员',
  telephony: '12348 电话系统',
  agency_staff: '法律援助机构工作人员',
  agency_head: '法律援助机构负责人',
  institution: '法律服务机构',
  quality_manager: '机构质量管理员',
  lawyer: '法律援助人员',
  evaluator: '评估人员',
  expert: '评估专家',
  city_centre: '市法律援助中心',
  justice_bureau: '司法行政部门',
  manager: '管理人员',
  auditor: '审计人员',
  technical_support: '技术支持',
};

export { CHANNEL_LABELS } from '../../domain/channels';
export type { Channel as ChannelCode } from '../../domain/channels';

/** Which channels the person files through: api/auth/access.ts CHANNELS_BY_ROLE, the table the API enforces. */
export function channelsFor(roles: readonly Role[]): Channel[] {
  return CHANNELS.filter((c) => roles.some((r) => CHANNELS_BY_ROLE[r]?.includes(c)));
}

export const CASE_STAGE_LABELS = {
  consultation: '非诉/咨询代理',
  investigation: '侦查阶段',
  prosecution: '审查起诉阶段',
  first_instance: '一审',
  second_instance: '二审',
  retrial: '再审',
  death_penalty_review: '死刑复核',
  enforcement: '执行',
  arbitration: '仲裁',
};

export const L9_GROUND_LABELS = {
  deception: '以欺骗或者其他不正当手段获得法律援助',
  concealment_or_false_evidence: '故意隐瞒重要事实或者提供虚假证据',
  illegal_use: '利用法律援助从事违法活动',
  no_longer_qualifies: '经济状况发生变化，不再符合法律援助条件',
  case_ended_or_withdrawn: '案件终止审理或者已经被撤销',
  own_lawyer: '受援人自行委托律师或者其他代理人',
  asks_to_end: '受援人有正当理由要求终止法律援助',
  other_legal_ground: '法律法规规定的其他情形',
};

export const VERIFICATION_ROUTE_LABELS = {
  credit_lookup: '信用记录查询',
  shared_data: '共享数据查询',
  letter: '发函协查',
  field_check: '委托村居代办员实地核实',
  phone: '电话询问知情人',
};

export const EVALUATION_STATUS_LABELS: Record<string, string> = {
  waiting_evaluator: '待指定评估人员',
  scoring: '评分中',
  expert_review: '专家复核中',
  objection_window: '异议期',
  objection_review: '异议审查中',
  spot_check: '抽查中',
  final: '已定档',
  special: '特殊案件（不评估）',
};

export const CALL_STATUS_LABELS: Record<string, string> = {
  waiting: '等待接听',
  claimed: '已抢单',
  answered: '已接听',
  closed: '已办结',
};

export { CALL_OUTCOMES as CALL_OUTCOME_LABELS } from '../../domain/hotline';

export const ASSIGNMENT_STATUS_LABELS: Record<string, string> = {
  picking: '正在轮流选派',
  awaiting_agency: '待援助机构指派',
  awaiting_institution: '待服务机构确认人员',
  assigned: '已确认承办人员',
};

export const VERIFICATION_STATUS_LABELS: Record<string, string> = {
  pending: '核查中',
  accepted: '已采信承诺',
  verified: '已核实',
  refuted: '核查不属实',
};
