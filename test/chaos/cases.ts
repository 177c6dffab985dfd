/**
 * Whole cases driven through the HTTP API only, as staff would, and robust to the system failing under them: every
 * request carries an Idempotency-Key and is retried with the same key on a network error, a 5xx or a timeout, so a
 * retry can never be a second action (the API turns the key into the workflow update's id, and Temporal answers a
 * repeated update id with the first outcome).
 *
 * A standard case: intake with deferred documents (容缺受理: identity proof only, correction commitment), the
 * missing materials supplied after the correction notice, grant (L-1), rotation pick (S-2.9) and the agency's
 * confirmation of the proposed member (S-2.10), engagement (L-6), case file with the end of the matter (L-12), the
 * quality manager's approval (S-4.3), evaluator and score 80 (S-4.4), payout (S-4.5), closed.
 */
import { applicationWorkflowId, evaluationWorkflowId } from '../../domain/definitions';
import { cstDateOf } from '../../domain/time';
import type { ChaosStack } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const CHAOS_AGENCY = 'KQ';
export const INSTITUTIONS = ['C-A', 'C-B', 'C-C', 'C-D'];
export const MEMBERS_PER_INSTITUTION = 5;
export const BASE_FEE_CENTS = 150_000;

/** Pool (4 institutions x 5 members), a city-wide fee row and a one-item scoring sheet: what a standard case needs. */
export async function seedReferenceData(stack: ChaosStack): Promise<void> {
  const { prisma } = stack;
  for (const [order, id] of INSTITUTIONS.entries()) {
    await prisma.poolInstitution.create({
      data: { id, agencyCode: CHAOS_AGENCY, name: `混沌测试律所${order + 1}`, listOrder: order },
    });
    for (let m = 1; m <= MEMBERS_PER_INSTITUTION; m++) {
      await prisma.poolMember.create({ data: { id: `${id.toLowerCase()}-m${m}`, institutionId: id } });
    }
  }
  await prisma.feeSchedule.create({
    data: {
      agencyCode: null,
      matterType: 'any',
      caseStage: 'any',
      amountCents: BASE_FEE_CENTS,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'chaos',
    },
  });
  await prisma.scoringSheet.create({
    data: {
      id: 'chaos-civil',
      kind: 'civil_administrative',
      version: 1,
      title: 'chaos',
      items: [{ code: 'all', label: '综合', max: 100, weight: 1 }],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'chaos',
    },
  });
}

export interface HttpStats {
  requests: number;
  retries: number;
  byStatus: Record<string, number>;
  /** 5xx answers other than 503 SERVICE_UNAVAILABLE, and any answer whose body shows a stack trace. */
  bad: Array<{ path: string; status: number; body: string }>;
  /** Steps sent again because the case still showed them 30 s later (same key: a no-op unless the case was reset). */
  resent?: number;
  /** Workflow ids of cases whose page has shown the same thing for 60 s: what staff report to an operator. */
  stalled?: Set<string>;
}

export const newStats = (): HttpStats => ({ requests: 0, retries: 0, byStatus: {}, bad: [] });

const STACK = /\n\s+at\s|\bat\s+\S+\s+\(.*:\d+:\d+\)/;

/** One HTTP request; records its status; `bad` when it is a 5xx other than a clean 503, or shows a stack trace. */
export async function request(
  stats: HttpStats,
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string }> {
  stats.requests++;
  let status = 0;
  let text = '';
  try {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    status = res.status;
    text = await res.text();
  } catch {
    status = 0; // connection refused, reset or timed out: the process is down or overloaded
  }
  stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const { code, status: health } = (json ?? {}) as { code?: string; status?: string };
  // A clean 503: the error body with its stable code, or /health's own answer naming what is down.
  const cleanUnavailable = status === 503 && (code === 'SERVICE_UNAVAILABLE' || health === 'degraded');
  if ((status >= 500 && !cleanUnavailable) || STACK.test(text)) {
    stats.bad.push({
      path: `${method} ${path.replace(/\/[A-Z]{2}-\d{4}-\d+/, '/:no')}`,
      status,
      body: text.slice(0, 300),
    });
  }
  return { status, json, text };
}

/** Retries (same key) until the answer is not a transient failure (network, 5xx, 429); gives up after `deadline`. */
export async function persist(
  stats: HttpStats,
  base: string,
  method: string,
  path: string,
  token: string,
  body: unknown,
  key: string | undefined,
  accept: (status: number) => boolean,
  deadline: number,
): Promise<{ status: number; json: unknown }> {
  for (let attempt = 0; ; attempt++) {
    const res = await request(stats, base, method, path, token, body, key ? { 'Idempotency-Key': key } : {});
    if (accept(res.status)) return res;
    if (Date.now() > deadline) {
      throw new Error(`${method} ${path}: gave up after ${attempt + 1} attempts, last status ${res.status}`);
    }
    stats.retries++;
    await sleep(Math.min(5_000, 300 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
  }
}

export interface Tokens {
  staff: string;
  head: string;
  evaluator: string;
  telephony: string;
  qm: Record<string, string>;
}

export async function chaosTokens(stack: ChaosStack): Promise<Tokens> {
  const qm: Record<string, string> = {};
  for (const id of INSTITUTIONS) qm[id] = await stack.token(`qm-${id}`, ['quality_manager'], CHAOS_AGENCY, id);
  return {
    staff: await stack.token('chaos-staff', ['agency_staff'], CHAOS_AGENCY),
    head: await stack.token('chaos-head', ['agency_head'], CHAOS_AGENCY),
    evaluator: await stack.token('chaos-evaluator', ['evaluator'], CHAOS_AGENCY),
    telephony: await stack.token('chaos-telephony', ['telephony'], CHAOS_AGENCY),
    qm,
  };
}

const ok2xx = (s: number) => s >= 200 && s < 300;

export interface CaseOutcome {
  index: number;
  applicationNo?: string;
  ok: boolean;
  error?: string;
  ms: number;
}

type Json = Record<string, unknown>;

/** A staff step: what a person does on the case page for the obligation it shows. */
interface Step {
  name: string;
  path: string;
  token: string;
  body: unknown;
}

/** The case has ended for good: the driver stops (closed is the only end a standard case may reach). */
type End = { end: string };

/** A step sent and not yet visible is sent again after this long (the same key: a no-op unless a reset lost it). */
const RESEND_AFTER_MS = 30_000;
/** A step the API refused (e.g. its stage not stored yet) is tried again after this long. */
const RETRY_REFUSED_MS = 5_000;
/** The step shown has not changed for this long: read the stage from the workflow from now on (nextStep's `live`). */
const STALLED_MS = 60_000;

/**
 * The step the case waits on, read as a person reads the case page: the stored record's stage, and the live state or
 * the evaluation where the record says too little. Undefined when the system owes the next move (a record being
 * written, a pick in flight). With `live`, the stage too comes from the workflow: after an operator's reset the
 * stored record can be ahead of the run until the run catches up (records are kept in order of the state's seq).
 */
async function nextStep(stack: ChaosStack, tokens: Tokens, stats: HttpStats, applicationNo: string, live: boolean) {
  const at = `/applications/${applicationNo}`;
  const read = async (path: string, token = tokens.staff) => {
    const res = await request(stats, stack.base, 'GET', path, token);
    return res.status === 200 ? (res.json as Json) : undefined;
  };
  const record = await read(live ? `${at}/state` : at);
  if (!record) return undefined;
  const stage = record.stage as string;
  const step = (name: string, path: string, body: unknown, token = tokens.staff): Step => ({
    name,
    path: `${at}${path}`,
    token,
    body,
  });
  switch (stage) {
    case 'closed':
    case 'refused':
    case 'terminated':
    case 'objection_review':
      return { end: stage } satisfies End;
    case 'awaiting_materials':
      return step('materials', '/materials', { items: ['economic_statement', 'matter_evidence'] });
    case 'under_review':
      return step('decision', '/decision', { decision: 'grant' }, tokens.head);
    case 'assigning': {
      type Slot = { ledgerSeq: number; proposedMemberId: string };
      const live = await read(`${at}/state`);
      const assignment = live?.assignment as { status?: string; slots: Slot[] } | undefined;
      if (assignment?.status !== 'awaiting_institution') return undefined;
      const slot = assignment.slots[0]!;
      return step('confirm', '/assignment/confirmation', {
        ledgerSeq: slot.ledgerSeq,
        memberId: slot.proposedMemberId,
      });
    }
    // L-6: the engagement moves the case to performing; L-12: the file to file_review.
    case 'assigned':
      return step('engagement', '/performance/engagement', { signedOn: cstDateOf(new Date()) });
    case 'performing': {
      const file = { documents: ['民事调解书'], report: '调解结案', matterEndedOn: cstDateOf(new Date()) };
      return step('case-file', '/performance/case-file', file);
    }
    case 'file_review': {
      // S-4.3: the quality manager of the member's institution approves.
      const state = live ? record : await read(`${at}/state`);
      const institutionId = (state?.performance as { institutionId?: string } | undefined)?.institutionId;
      if (!institutionId) return undefined;
      const review = { approved: true, comments: '' };
      return step('review', '/performance/case-file/review', review, tokens.qm[institutionId]);
    }
    case 'evaluating': {
      // S-4.4: the stored evaluation, or the evaluation workflow's own state when reading live (a reset run's new
      // evaluation is stored only once its seq passes the one stored before).
      const evaluation = (
        live ? await read(`${at}/evaluation`) : (await read(`/evaluations/${applicationNo}`))?.evaluation
      ) as { status?: string } | undefined;
      if (evaluation?.status === 'waiting_evaluator') {
        return step('evaluator', '/evaluation/evaluator', { evaluatorId: 'chaos-evaluator', kind: 'peer' });
      }
      if (evaluation?.status === 'scoring') {
        return step('score', '/evaluation/score', { points: { all: 80 }, comments: '' }, tokens.evaluator);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * One whole case through the API; `deadline` is an absolute time after which it gives up (and fails).
 *
 * After intake the driver does what the case page shows it waits on, as a person would, rather than a fixed script:
 * a case an operator reset (operator.ts) to an earlier point simply shows an earlier step again, and that step is
 * done again under its key (the reset run has never seen that update id). A step sent and not yet visible after
 * 30 s is sent again under the same key: a no-op while the run knows it (counted as `resent`).
 */
export async function runCase(
  stack: ChaosStack,
  tokens: Tokens,
  stats: HttpStats,
  run: string,
  index: number,
  deadline: number,
): Promise<CaseOutcome> {
  const started = Date.now();
  const key = (step: string) => `chaos-${run}-${index}-${step}`;
  let applicationNo: string | undefined;
  try {
    const intake = await persist(
      stats,
      stack.base,
      'POST',
      '/applications',
      tokens.staff,
      {
        agencyCode: CHAOS_AGENCY,
        channel: 'walk_in',
        applicant: { name: '混沌测试', idNumber: '11010519491231002X' },
        matter: { category: 'labour_remuneration', summary: '混沌测试：工地拖欠工资' },
        economicSituation: { householdSize: 3, monthlyHouseholdIncome: 2000, commitmentSigned: true },
        materialsSupplied: ['identity_proof'],
        intake: { correctionCommitment: true },
      },
      key('intake'),
      ok2xx,
      deadline,
    );
    applicationNo = (intake.json as { applicationNo: string }).applicationNo;
    // When each step may be sent next (absent: now), and the last refusal seen (for the failure message).
    const notBefore = new Map<string, number>();
    let lastRefusal = '';
    let refusedInARow = 0;
    let shown: string | undefined;
    let shownSince = Date.now();
    // Once the record has been seen to disagree with the workflow (a reset run), this case is read live to the end.
    let live = false;
    for (;;) {
      live ||= refusedInARow >= 2 || Date.now() - shownSince > STALLED_MS;
      const next = await nextStep(stack, tokens, stats, applicationNo, live);
      const name = next && !('end' in next) ? next.name : undefined;
      if (name !== shown) [shown, shownSince] = [name, Date.now()];
      // A case stalled this long is reported (its evaluation too: the two workflows of one case), as staff would.
      const ids = [applicationWorkflowId(applicationNo), evaluationWorkflowId(applicationNo)];
      for (const id of ids) {
        if (Date.now() - shownSince > STALLED_MS) (stats.stalled ??= new Set()).add(id);
        else stats.stalled?.delete(id);
      }
      if (next && 'end' in next) {
        if (next.end === 'closed') return { index, applicationNo, ok: true, ms: Date.now() - started };
        throw new Error(`the case ended in ${next.end}`);
      }
      if (next && Date.now() >= (notBefore.get(next.name) ?? 0)) {
        if (notBefore.has(next.name)) stats.resent = (stats.resent ?? 0) + 1;
        // Answered is enough (a refusal included): only a transient failure is retried here, under the same key.
        const answered = (s: number) => s > 0 && s < 500 && s !== 429;
        const res = await persist(
          stats,
          stack.base,
          'POST',
          next.path,
          next.token,
          next.body,
          key(next.name),
          answered,
          deadline,
        );
        const accepted = ok2xx(res.status);
        refusedInARow = accepted ? 0 : refusedInARow + 1;
        if (!accepted) lastRefusal = `${next.name}: ${res.status} ${(res.json as { code?: string })?.code ?? ''}`;
        notBefore.set(next.name, Date.now() + (accepted ? RESEND_AFTER_MS : RETRY_REFUSED_MS));
      }
      if (Date.now() > deadline) {
        throw new Error(
          `stopped waiting for ${next ? next.name : 'the system'}${lastRefusal ? `; last refusal ${lastRefusal}` : ''}`,
        );
      }
      await sleep(1_000 + Math.random() * 1_000);
    }
  } catch (err) {
    return { index, applicationNo, ok: false, error: (err as Error).message, ms: Date.now() - started };
  }
}

/**
 * S-2.4 hotline calls whose answer deadline (a real timer: 1 minute after the call with the chaos configuration) is
 * left to fire. The telephony system states when a call came in: back-dated so the deadline falls `dueInSeconds`
 * from now.
 */
export async function registerCalls(
  stack: ChaosStack,
  tokens: Tokens,
  stats: HttpStats,
  run: string,
  from: number,
  count: number,
  deadline: number,
  dueInSeconds = 20,
): Promise<string[]> {
  const ids: string[] = [];
  const receivedAt = new Date(Date.now() - (60 - dueInSeconds) * 1000).toISOString();
  for (let i = from; i < from + count; i++) {
    const res = await persist(
      stats,
      stack.base,
      'POST',
      '/hotline/calls',
      tokens.telephony,
      { agencyCode: CHAOS_AGENCY, channel: 'phone', receivedAt },
      `chaos-${run}-call-${i}`,
      ok2xx,
      deadline,
    );
    ids.push((res.json as { callId: string }).callId);
  }
  return ids;
}

/**
 * The configuration of the chaos runs' worker and API: the hotline's day window covers the whole day and a call
 * must be answered within 1 minute, so answer-deadline timers fire within a run (the case's own deadlines are whole
 * days: they stay pending). No spot checks (S-4.4), so a score of 80 always closes the case.
 */
export const CHAOS_ENV: Record<string, string> = {
  HOTLINE_DAY_START: '00:00',
  HOTLINE_DAY_END: '23:59',
  HOTLINE_DAY_ANSWER_MINUTES: '1',
  RULE_SPOT_CHECK_RATE: '0',
  REQUIRE_TRAINING: 'false',
};
