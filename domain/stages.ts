/**
 * Stages of an application and the transitions between them. The workflow, the database enum
 * (prisma/schema.prisma `ApplicationStage`) and the API all use these names.
 */
export const STAGES = {
  received: '已接收',
  awaiting_materials: '待补正材料',
  under_review: '审查中',
  granted: '给予法律援助',
  refused: '不予法律援助',
  objection_review: '异议审查中',
  terminated: '已终止',
  assigning: '指派中',
  assigned: '已指派',
  performing: '承办中',
  file_review: '结案审查中',
  evaluating: '质量评估中',
  closed: '已结案',
  returned: '已退回通知机关',
} as const;

export type Stage = keyof typeof STAGES;

const TRANSITIONS: Record<Stage, readonly Stage[]> = {
  received: ['awaiting_materials', 'under_review'],
  // S-3.2, L-2: materials supplied -> review; deadline passed -> treated as withdrawn, aid terminated.
  awaiting_materials: ['under_review', 'terminated'],
  // L-1: review ends in a written decision to grant or refuse; L-9: aid already started (accepted first) may end.
  under_review: ['granted', 'refused', 'terminated'],
  // S-3.3, L-3: granted aid is assigned at once; L-9: or terminated on a statutory ground.
  granted: ['assigning', 'terminated'],
  // S-2.10: the agency has assigned an institution; the member is confirmed (or the case reassigned) next.
  assigning: ['assigned', 'terminated'],
  // S-2.10, L-11: a conflict or a granted replacement sends the case back to assignment; L-9 ends it;
  // L-6: the engagement agreement signed, the member performs the case.
  assigned: ['assigning', 'performing', 'terminated'],
  // L-12: the member reports the end of the matter with the file; L-11 replacement, L-9 termination still possible.
  performing: ['file_review', 'assigning', 'terminated'],
  // S-4.3: the quality manager approves the file (uploaded to the agency -> evaluation) or sends it back.
  file_review: ['evaluating', 'performing'],
  // S-4.4, S-4.5: evaluated (or marked special) and paid.
  evaluating: ['closed'],
  closed: [],
  // L-10: a refusal or a termination may be objected to; the justice bureau upholds it or orders it corrected.
  refused: ['objection_review'],
  objection_review: ['refused', 'under_review', 'terminated', 'granted'],
  // S-3.2, L-7: aid accepted first, terminated at the correction deadline after work was done, is still evaluated.
  terminated: ['objection_review', 'evaluating'],
  // L-4: a notification returned to the organ ends there (the organ may notify again, as a new case).
  returned: [],
};

/**
 * S-3.2, L-7: a case accepted first (先行受理) starts aid at once: it may be granted while its missing documents are
 * still awaited (the correction deadline keeps running, and documents missing at it terminate the aid).
 */
const ACCEPTED_FIRST_TRANSITIONS: Partial<Record<Stage, readonly Stage[]>> = {
  awaiting_materials: ['granted'],
};

/**
 * L-4 (Law arts. 25, 28, 36): a notification case has no application, review or decision: it goes from the letter's
 * receipt straight to assignment; one the agency cannot act on is returned to the organ (never refused). Nor can a
 * notification case take the application's moves (correction, review, a grant or a refusal).
 */
const NOTIFICATION_TRANSITIONS: Partial<Record<Stage, readonly Stage[]>> = {
  received: ['assigning', 'returned'],
  assigning: ['assigned', 'terminated', 'returned'],
  assigned: ['assigning', 'performing', 'terminated', 'returned'],
};
/** L-4: the answer to a grant or refusal of a notification case (422). */
export const NOTIFICATION_NOT_DECIDED =
  '通知辩护/代理案件不经申请审查，不作出给予或不予法律援助的决定，收到通知即予指派（L-4）；不能办理的，请退回通知机关并说明理由';
const APPLICATION_ONLY: readonly Stage[] = ['awaiting_materials', 'under_review', 'granted', 'refused'];

export function canTransition(
  from: Stage,
  to: Stage,
  opts: { acceptedFirst?: boolean; notification?: boolean } = {},
): boolean {
  if (opts.notification) {
    if (APPLICATION_ONLY.includes(to)) return false;
    if ((NOTIFICATION_TRANSITIONS[from] ?? []).includes(to)) return true;
    return TRANSITIONS[from].includes(to);
  }
  if (to === 'returned') return false;
  if (TRANSITIONS[from].includes(to)) return true;
  return opts.acceptedFirst === true && (ACCEPTED_FIRST_TRANSITIONS[from] ?? []).includes(to);
}

/** S-3.2, L-7: stages in which aid accepted first runs while its documents may still be awaited. */
export const AID_STARTED_STAGES: readonly Stage[] = ['granted', 'assigning', 'assigned', 'performing'];

/** Stages that end the first half of a case (a refusal may still be reopened by an objection, L-10). */
export function isDecidedOrClosed(stage: Stage): boolean {
  return stage === 'granted' || stage === 'refused' || stage === 'terminated';
}

/** Stages of the matter itself (诉讼阶段), for S-2.9(b) and the fee schedule (S-4.5). */
export const CASE_STAGES = {
  consultation: '非诉/咨询代理',
  investigation: '侦查阶段',
  prosecution: '审查起诉阶段',
  first_instance: '一审',
  second_instance: '二审',
  retrial: '再审',
  death_penalty_review: '死刑复核',
  enforcement: '执行',
  arbitration: '仲裁',
} as const;
export type CaseStage = keyof typeof CASE_STAGES;
