/**
 * Chinese names for what a case's workflow history holds (流程历史): Temporal's event types, our staff steps (the
 * signals of domain/definitions.ts), activities and workflow types. Pure, so the API (api/history.ts) and the console
 * (web/src/labels.ts) use the same words. Whatever has no name here gets a generic Chinese one, never a code.
 */
import { CST_OFFSET_MS } from './time';

/** Temporal event types (as Temporal names them, `WorkflowExecutionSignaled`), for people. */
export const HISTORY_EVENT_LABELS: Record<string, string> = {
  WorkflowExecutionStarted: '启动',
  WorkflowExecutionCompleted: '完成',
  WorkflowExecutionFailed: '流程失败',
  WorkflowExecutionTimedOut: '流程超时',
  WorkflowExecutionCancelRequested: '请求取消流程',
  WorkflowExecutionCanceled: '流程已取消',
  WorkflowExecutionTerminated: '流程被终止',
  WorkflowExecutionContinuedAsNew: '流程转入新的运行',
  WorkflowExecutionSignaled: '收到信号',
  WorkflowExecutionOptionsUpdated: '流程选项变更',
  WorkflowTaskScheduled: '流程任务排队',
  WorkflowTaskStarted: '流程任务开始',
  WorkflowTaskCompleted: '流程任务完成',
  WorkflowTaskTimedOut: '流程任务超时',
  WorkflowTaskFailed: '流程任务失败',
  ActivityTaskScheduled: '执行活动',
  ActivityTaskStarted: '活动重试',
  ActivityTaskCompleted: '活动完成',
  ActivityTaskFailed: '活动失败',
  ActivityTaskTimedOut: '活动超时',
  ActivityTaskCancelRequested: '请求取消活动',
  ActivityTaskCanceled: '活动已取消',
  TimerStarted: '计时器',
  TimerFired: '计时器到期',
  TimerCanceled: '计时器取消',
  MarkerRecorded: '标记',
  UpsertWorkflowSearchAttributes: '更新检索信息',
  WorkflowPropertiesModified: '更新流程备注',
  WorkflowPropertiesModifiedExternally: '流程属性被外部修改',
  ActivityPropertiesModifiedExternally: '活动属性被外部修改',
  StartChildWorkflowExecutionInitiated: '子流程',
  StartChildWorkflowExecutionFailed: '子流程未能启动',
  ChildWorkflowExecutionStarted: '子流程已开始',
  ChildWorkflowExecutionCompleted: '子流程完成',
  ChildWorkflowExecutionFailed: '子流程失败',
  ChildWorkflowExecutionCanceled: '子流程已取消',
  ChildWorkflowExecutionTimedOut: '子流程超时',
  ChildWorkflowExecutionTerminated: '子流程被终止',
  SignalExternalWorkflowExecutionInitiated: '向其他流程发送信号',
  SignalExternalWorkflowExecutionFailed: '向其他流程发送信号失败',
  ExternalWorkflowExecutionSignaled: '其他流程已收到信号',
  RequestCancelExternalWorkflowExecutionInitiated: '请求取消其他流程',
  RequestCancelExternalWorkflowExecutionFailed: '请求取消其他流程失败',
  ExternalWorkflowExecutionCancelRequested: '其他流程已收到取消请求',
  WorkflowExecutionUpdateAdmitted: '收到更新请求',
  WorkflowExecutionUpdateAccepted: '接受更新',
  WorkflowExecutionUpdateRejected: '拒绝更新',
  WorkflowExecutionUpdateCompleted: '更新完成',
};

/** The label of an event type Temporal may add later, or one not listed above. */
export const OTHER_EVENT_LABEL = '其他事件';

/** Staff steps and signals (domain/definitions.ts `defineStep` / `defineSignal` names), as the console's forms say. */
export const STEP_LABELS: Record<string, string> = {
  // Intake and correction (S-3.2), verification (S-3.1), decision (L-1), termination (L-9), objection (L-10).
  supplyMaterials: '登记补正材料',
  extendCorrectionDeadline: '延长补正期限',
  requestVerification: '发起经济状况核查',
  recordVerificationResult: '登记核查结果',
  settleVerification: '核查结论',
  decide: '作出决定（给予/不予法律援助）',
  terminateAid: '终止法律援助',
  fileObjection: '登记异议',
  decideObjection: '异议审查决定',
  // Notification cases (L-4).
  returnToOrgan: '退回通知机关',
  // Assignment (S-2.9, S-2.10, L-11).
  assignCase: '指派',
  confirmMember: '确认承办人员',
  reportConflict: '报告利益冲突',
  replaceMember: '更换承办人员',
  // Performance (L-6, L-9, L-12, S-4.3).
  recordEngagement: '签订委托协议',
  recordEngagementDelay: '登记签约延误原因',
  reportProgress: '办案进展',
  changeCaseStage: '诉讼阶段变更',
  reportTerminationGround: '报告终止情形',
  reportMatterEnded: '案件办结日期',
  submitCaseFile: '提交结案材料',
  reviewCaseFile: '质量管理员审查结案材料',
  // Evaluation (S-4.4, S-4.6).
  assignEvaluator: '指定评估人员',
  markSpecial: '认定特殊案件（不评估）',
  submitScore: '提交评分',
  expertReview: '专家复核',
  objectToScore: '对评估结果提出异议',
  decideScoreObjection: '异议复核',
  spotCheck: '抽查',
  recordInterview: '登记约谈',
  // Hotline calls (S-2.4) and technical support (需技术支持处理).
  claimCall: '抢单',
  answerCall: '接听来电',
  recordCallOutcome: '登记来电处理结果',
  // Complaints (L-13).
  acceptComplaint: '受理或不予受理投诉',
  assignComplaintHandler: '指定投诉办理人员',
  recordComplaintInvestigation: '登记投诉调查情况',
  answerComplaint: '被投诉人作出说明',
  extendComplaint: '延长投诉办理期限',
  decideComplaint: '作出投诉处理决定',
  notifyComplaintResult: '告知投诉处理结果',
  withdrawComplaint: '撤回投诉',
  resolveAttention: '技术支持处理数据故障',
  calendarChanged: '节假日安排变更，重新计算期限',
};

/** Activities (activities/index.ts `createActivities`): what the workflow had done outside itself. */
export const ACTIVITY_LABELS: Record<string, string> = {
  recordCase: '写入案件记录',
  recordEvaluation: '写入评估记录',
  evaluationRunOf: '查询评估流程',
  recordCall: '写入来电记录',
  creditDutyCall: '计入值班接听量',
  recordComplaint: '写入投诉记录',
  suspendForComplaint: '因投诉属实移出人员库',
  deliverNotices: '发送通知',
  lookupCredit: '查询信用记录',
  pickForCase: '轮流选派承办人员',
  releaseFromCase: '释放承办人员',
  confirmOtherMember: '确认其他承办人员',
  earlierStageMember: '查询前一诉讼阶段的承办人员',
  endImpactPeriod: '影响期届满',
  removeForScore: '因评估不合格移出人员库',
  reverseScoreRemoval: '撤销因评估移出人员库',
  scoringSheetFor: '查找适用的评分表',
  holidayCalendar: '读取节假日安排',
  openCaseWorkflows: '列出在办案件流程',
  signalCalendarChanged: '通知案件节假日安排已调整',
  recordPayout: '登记补贴发放',
  reconcileReadModel: '核对待办数据',
  queueDailyDigest: '登记每日待办摘要',
  flagAttention: '标记需技术支持处理',
  clearAttention: '解除需技术支持处理',
};

/** Workflow types (workflows/index.ts), for child workflows and the start event. */
export const WORKFLOW_TYPE_LABELS: Record<string, string> = {
  applicationWorkflow: '申请流程',
  calendarBroadcastWorkflow: '节假日安排调整通知',
  evaluationWorkflow: '质量评估流程',
  poolImpactWorkflow: '影响期计时流程',
  hotlineCallWorkflow: '热线来电流程',
  complaintWorkflow: '投诉处理流程',
  reconcileReadModelWorkflow: '待办数据核对流程',
  dailyDigestWorkflow: '每日待办摘要流程',
};

/** Markers the SDK records (`patched()` writes `core_patch`). */
export const MARKER_LABELS: Record<string, string> = { core_patch: '代码版本' };

/** The case's workflows whose history staff read: the application and, once it started, its evaluation. */
export const HISTORY_WORKFLOW_LABELS = { application: '申请流程', evaluation: '质量评估流程' } as const;
export type HistoryWorkflowKind = keyof typeof HISTORY_WORKFLOW_LABELS;

/** What kind of name an event carries, to look it up in the right table. */
export type HistoryNameKind = 'signal' | 'activity' | 'workflow' | 'marker' | 'timer' | 'update';

/** The Chinese name of a signal, activity, workflow type or marker; a timer's summary is already for people. */
export function historyNameLabel(kind: HistoryNameKind, name: string | null | undefined): string | null {
  if (!name) return null;
  switch (kind) {
    case 'signal':
    case 'update':
      return STEP_LABELS[name] ?? null;
    case 'activity':
      return ACTIVITY_LABELS[name] ?? null;
    case 'workflow':
      return WORKFLOW_TYPE_LABELS[name] ?? null;
    case 'marker':
      return MARKER_LABELS[name] ?? null;
    case 'timer':
      return name;
  }
}

/** The event's label for people: the event type's, with the Chinese name in 「」 when there is one. */
export function historyEventLabel(type: string, nameLabel: string | null, extra?: string): string {
  const base = HISTORY_EVENT_LABELS[type] ?? OTHER_EVENT_LABEL;
  return `${base}${nameLabel ? `「${nameLabel}」` : ''}${extra ? `（${extra}）` : ''}`;
}

/** A duration for people: `7 天 2 小时`, `30 分钟`, `15 秒`. */
export function durationLabel(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const units: Array<[number, string]> = [
    [86_400_000, '天'],
    [3_600_000, '小时'],
    [60_000, '分钟'],
    [1000, '秒'],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join(' ') || `${Math.round(ms)} 毫秒`;
}

/** An instant in China time to the second: `2026-12-11 16:00:05`. */
export function formatCstSeconds(instant: Date): string {
  const shifted = new Date(instant.getTime() + CST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}
