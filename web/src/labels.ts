/** Chinese labels for codes the API uses; most come from the pure domain modules the API itself uses. */
import { CHANNELS_BY_ROLE, ROLES, type Role } from '../../api/auth/access';
import { CHANNELS, type Channel } from '../../domain/channels';
export { AGENCIES } from '../../domain/agencies';
export { MATTER_CATEGORIES } from '../../domain/matters';
export { NOTIFICATION_CASE_STAGES, NOTIFICATION_GROUNDS, NOTIFYING_ORGANS } from '../../domain/intake';
import { URGENCY_GROUNDS } from '../../domain/intake';
/** S-3.2, L-7: the urgency grounds to accept first, by their Chinese labels. */
export const URGENCY_GROUND_LABELS: Record<string, string> = Object.fromEntries(
  Object.entries(URGENCY_GROUNDS).map(([code, g]) => [code, g.label]),
);
export { MATERIALS } from '../../domain/materials';
export { STAGES } from '../../domain/stages';
export { ACTIVITY_LABELS, HISTORY_EVENT_LABELS, OTHER_EVENT_LABEL, STEP_LABELS } from '../../domain/workflow-history';

/** The roles' names for a screen: api/auth/access.ts ROLES without their explanations in brackets. */
export const ROLE_LABELS = Object.fromEntries(
  Object.entries(ROLES).map(([role, name]) => [role, name.replace(/（[^）]*）|\s*\/.*$/g, '')]),
) as Record<Role, string>;

export { CHANNEL_LABELS } from '../../domain/channels';
export type { Channel as ChannelCode } from '../../domain/channels';

/** Which channels the person files through: api/auth/access.ts CHANNELS_BY_ROLE, the table the API enforces. */
export function channelsFor(roles: readonly Role[]): Channel[] {
  return CHANNELS.filter((c) => roles.some((r) => CHANNELS_BY_ROLE[r]?.includes(c)));
}

export { CASE_STAGES as CASE_STAGE_LABELS } from '../../domain/stages';
export { L9_GROUNDS as L9_GROUND_LABELS, VERIFICATION_ROUTES as VERIFICATION_ROUTE_LABELS } from '../../domain/grounds';

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
