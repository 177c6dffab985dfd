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
  /** Steps sent again because the case had not moved for 30 s (same key: a no-op unless the case was reset). */
  resent?: number;
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

/** One whole case through the API; `deadline` is an absolute time after which it gives up (and fails). */
export async function runCase(
  stack: ChaosStack,
  tokens: Tokens,
  stats: HttpStats,
  run: string,
  index: number,
  deadline: number,
): Promise<CaseOutcome> {
  const started = Date.now();
  const base = stack.base;
  const key = (step: string) => `chaos-${run}-${index}-${step}`;
  let applicationNo: string | undefined;
  // The last step sent, and when: a person whose click seems to have done nothing clicks again. Under the same key
  // (the update's id) a repeat is a no-op while the first is known; after an operator's reset (operator.ts) the new
  // run does not know it, and the repeat puts the step back.
  let last: { again: () => Promise<unknown>; at: number } | undefined;
  const send = (path: string, token: string, body: unknown, step: string) => {
    const again = () => persist(stats, base, 'POST', path, token, body, key(step), ok2xx, deadline);
    last = { again, at: Date.now() };
    return again();
  };
  /**
   * Polls a read until `ok` holds; reads are retried through any failure. Staff read the stored record (PostgreSQL)
   * where it says enough; the live state (a workflow query, work for the worker) only for the proposed member.
   */
  const until = async (path: string, ok: (v: Record<string, unknown>) => boolean) => {
    for (;;) {
      const res = await request(stats, base, 'GET', path, tokens.staff);
      if (res.status === 200 && ok(res.json as Record<string, unknown>)) return res.json as Record<string, unknown>;
      if (Date.now() > deadline) throw new Error(`GET ${path.replace(/[A-Z]{2}-\d{4}-\d+/, ':no')}: condition not met`);
      if (last && Date.now() - last.at > 30_000) {
        stats.resent = (stats.resent ?? 0) + 1;
        last.at = Date.now();
        await last.again();
      }
      await sleep(1_000 + Math.random() * 1_000);
    }
  };
  try {
    const intake = await send(
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
      'intake',
    );
    applicationNo = (intake.json as { applicationNo: string }).applicationNo;
    const at = `/applications/${applicationNo}`;
    await until(at, (s) => s.stage === 'awaiting_materials');
    await send(`${at}/materials`, tokens.staff, { items: ['economic_statement', 'matter_evidence'] }, 'materials');
    await send(`${at}/decision`, tokens.head, { decision: 'grant' }, 'decision');
    type Slot = { ledgerSeq: number; proposedMemberId: string; institutionId: string };
    await until(at, (s) => s.stage === 'assigning');
    const picked = await until(
      `${at}/state`,
      (s) => (s.assignment as { status?: string } | undefined)?.status === 'awaiting_institution',
    );
    const slot = (picked.assignment as { slots: Slot[] }).slots[0]!;
    await send(
      `${at}/assignment/confirmation`,
      tokens.staff,
      { ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId },
      'confirm',
    );
    await until(at, (s) => s.stage === 'assigned');
    const today = cstDateOf(new Date());
    await send(`${at}/performance/engagement`, tokens.staff, { signedOn: today }, 'engagement');
    await send(
      `${at}/performance/case-file`,
      tokens.staff,
      { documents: ['民事调解书'], report: '调解结案', matterEndedOn: today },
      'case-file',
    );
    await send(
      `${at}/performance/case-file/review`,
      tokens.qm[slot.institutionId]!,
      { approved: true, comments: '' },
      'review',
    );
    await until(
      `/evaluations/${applicationNo}`,
      (e) => (e.evaluation as { status?: string } | undefined)?.status === 'waiting_evaluator',
    );
    await send(
      `${at}/evaluation/evaluator`,
      tokens.staff,
      { evaluatorId: 'chaos-evaluator', kind: 'peer' },
      'evaluator',
    );
    await send(`${at}/evaluation/score`, tokens.evaluator, { points: { all: 80 }, comments: '' }, 'score');
    await until(at, (r) => r.stage === 'closed');
    return { index, applicationNo, ok: true, ms: Date.now() - started };
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
