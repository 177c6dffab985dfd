/**
 * 4. Bad input at scale (issue 10): property-based requests (fast-check) to every endpoint of the API with random
 * path parameters, query strings, bodies (JSON values, near-valid bodies with one field replaced, malformed JSON,
 * wrong content types, huge strings), random tokens and idempotency keys. Checked: no answer >= 500, no stack trace
 * in any answer, and no partial write: every table's row count (the audit trail aside: it records each refusal by
 * design) and the number of workflows are the same before and after, as is every seeded case's live state, unless a
 * request was accepted (then it is listed).
 *
 * Then duplicate and out-of-order messages: a case driven with every step sent three times at once under one key,
 * each step again under a new key, and later steps sent before their time, ends with exactly the rows of a case
 * driven cleanly (stage events, notices, ledger, payout).
 */
import fc from 'fast-check';
import { ROUTES as CONTRACT_ROUTES } from '../../api/contract';
import { cstDateOf } from '../../domain/time';
import { CHAOS_AGENCY, newStats, persist, request, runCase, type HttpStats, type Tokens } from './cases';
import type { Check } from './checks';
import type { ChaosStack } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every route of the API, from its contract (api/contract), with the query keys it reads. `:x` are path parameters. */
export const ROUTES: Array<[method: string, path: string, query?: string[]]> = CONTRACT_ROUTES.map((r) => [
  r.method.toUpperCase(),
  r.path,
  r.query ? Object.keys(r.query.shape) : undefined,
]);
/** Every path parameter any route has. */
const PARAM_NAMES = [...new Set(CONTRACT_ROUTES.flatMap((r) => [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!)))];

/** Near-valid bodies: a real shape with one field replaced by anything (the most likely way to slip past a check). */
export const VALID_BODIES: Record<string, unknown>[] = [
  {
    agencyCode: CHAOS_AGENCY,
    channel: 'walk_in',
    applicant: { name: '模糊测试', idNumber: '11010519491231002X' },
    matter: { category: 'labour_remuneration', summary: 'x' },
    economicSituation: { householdSize: 3, monthlyHouseholdIncome: 2000, commitmentSigned: true },
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true },
  },
  { items: ['economic_statement'] },
  { decision: 'grant' },
  { decision: 'refuse', reason: 'x' },
  { ledgerSeq: 1, memberId: 'c-a-m1' },
  { signedOn: '2026-01-01' },
  { documents: ['x'], report: 'x' },
  { approved: true, comments: '' },
  { evaluatorId: 'e', kind: 'peer' },
  { points: { all: 80 }, comments: '' },
  { days: 3, reason: 'x' },
  { agencyCode: CHAOS_AGENCY, channel: 'phone' },
  { agencyCode: CHAOS_AGENCY, periodStart: '2026-01-01', periodEnd: '2026-01-31' },
  { matterType: 'any', caseStage: 'any', amountCents: 1, effectiveFrom: '2026-01-01' },
];

const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    'null',
    'NaN',
    '1e309',
    '9'.repeat(40),
    '../../etc/passwd',
    '%00',
    "'; DROP TABLE application; --",
    '<script>',
    'KQ-2026-000001',
    'KQ-9999-999999',
    'a'.repeat(5000),
  ),
  fc.integer().map(String),
);

export function requestArbitrary(real: { applicationNos: string[]; callIds: string[] }, tokens: string[]) {
  const param = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: junk },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          ...(name === 'callId' ? real.callIds : name === 'agencyCode' ? [CHAOS_AGENCY, 'YC'] : real.applicationNos),
        ),
      },
    );
  const body = fc.oneof(
    fc.jsonValue(),
    fc.object(),
    fc.tuple(fc.constantFrom(...VALID_BODIES), fc.string(), fc.jsonValue()).map(([b, key, value]) => {
      const keys = Object.keys(b);
      const k = key.length % 2 === 0 && keys.length ? keys[key.length % keys.length]! : key;
      return { ...b, [k]: value };
    }),
    fc.constantFrom(...VALID_BODIES),
    junk.map((s) => ({ raw: s })), // not JSON at all
  );
  return fc.record({
    route: fc.constantFrom(...ROUTES),
    params: fc.record(Object.fromEntries(PARAM_NAMES.map((name) => [name, param(name)]))),
    query: fc.dictionary(
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('limit', 'after', 'agencyCode', 'stage', 'year', 'on')),
      junk,
      { maxKeys: 4 },
    ),
    queryKnown: fc.array(junk, { maxLength: 7 }),
    body,
    withBody: fc.boolean(),
    token: fc.constantFrom(...tokens),
    key: fc.option(junk, { nil: undefined }),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
  });
}

type FuzzRequest = fc.Arbitrary<ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never>;

async function send(stats: HttpStats, base: string, r: FuzzRequest extends fc.Arbitrary<infer T> ? T : never) {
  const [method, template, known = []] = r.route;
  const path = template.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(String((r.params as Record<string, string>)[name] ?? 'x')),
  );
  const qs = new URLSearchParams(r.query);
  known.forEach((k, i) => {
    const v = r.queryKnown[i];
    if (v !== undefined) qs.set(k, v);
  });
  const url = `${path}${qs.size ? `?${qs.toString()}` : ''}`;
  const headers: Record<string, string> = { 'Content-Type': r.contentType };
  if (r.key !== undefined) headers['Idempotency-Key'] = r.key.slice(0, 1000).replace(/[^\x20-\x7e]/g, '?');
  let body: string | undefined;
  if (method === 'POST' && r.withBody) {
    const raw = (r.body as { raw?: unknown } | null)?.raw;
    body = typeof raw === 'string' ? raw : JSON.stringify(r.body);
  }
  return request(stats, base, method, url, r.token || undefined, body, headers);
}

async function snapshot(stack: ChaosStack, nos: string[]) {
  const tables = await stack.prisma.$queryRawUnsafe<Array<{ relname: string }>>(
    `SELECT table_name AS relname FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('audit_event', '_prisma_migrations') ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { relname } of tables) {
    const [row] = await stack.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${relname}"`);
    counts[relname] = Number(row!.n);
  }
  let workflows = 0;
  for await (const _ of stack.client.workflow.list()) workflows++;
  const states: Record<string, string> = {};
  for (const no of nos) {
    const app = await stack.prisma.application.findUnique({ where: { applicationNo: no } });
    states[no] = JSON.stringify([app?.stage, app?.updatedAt]);
  }
  return { counts, workflows, states };
}

export async function fuzzEndpoints(
  stack: ChaosStack,
  tokens: Tokens,
  requests: number,
  seeded: { applicationNos: string[]; callIds: string[] },
): Promise<{ checks: Check[]; figures: Record<string, unknown> }> {
  const stats = newStats();
  const tokenChoices = [
    '',
    'not-a-jwt',
    tokens.staff,
    tokens.head,
    tokens.evaluator,
    tokens.telephony,
    tokens.qm['C-A']!,
    await stack.token('fuzz-city', ['city_centre']),
    await stack.token('fuzz-auditor', ['auditor'], CHAOS_AGENCY),
    await stack.token('fuzz-lawyer', ['lawyer'], CHAOS_AGENCY),
    await stack.token('fuzz-applicant', ['applicant']),
  ];
  const before = await snapshot(stack, seeded.applicationNos);
  const accepted: string[] = [];
  const started = Date.now();
  const arb = requestArbitrary(seeded, tokenChoices);
  // Several in flight at once, as real clients are; fast-check draws the requests (seed printed for a replay).
  const seed = Date.now() % 2 ** 31;
  const samples = fc.sample(arb, { numRuns: requests, seed });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < samples.length) {
        const r = samples[next++]!;
        const res = await send(stats, stack.base, r);
        if (r.route[0] === 'POST' && res.status >= 200 && res.status < 300 && !r.route[1].startsWith('/codec')) {
          if (r.route[1] !== '/public/applications/status')
            accepted.push(`${r.route[0]} ${r.route[1]} -> ${res.status}`);
        }
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  await sleep(2_000); // anything a rejected request might have set off has had time to land
  const after = await snapshot(stack, seeded.applicationNos);
  const changed = Object.keys(after.counts).filter((t) => after.counts[t] !== before.counts[t]);
  const statesChanged = Object.keys(after.states).filter((no) => after.states[no] !== before.states[no]);
  const fivexx = Object.entries(stats.byStatus)
    .filter(([s]) => Number(s) >= 500 || s === '0')
    .reduce((a, [, n]) => a + n, 0);
  const checks: Check[] = [
    {
      name: 'fuzzed requests to every endpoint: 0 answers >= 500, no stack trace',
      ok: fivexx === 0 && stats.bad.length === 0,
      detail: `${stats.requests} requests (seed ${seed}) to ${ROUTES.length} routes: ${JSON.stringify(stats.byStatus)}; ${stats.bad.length} bad${stats.bad.length ? ` e.g. ${JSON.stringify(stats.bad[0])}` : ''}`,
    },
    {
      name: 'rejected requests wrote nothing (row counts, workflow count, case states unchanged)',
      ok:
        accepted.length === 0 &&
        changed.length === 0 &&
        after.workflows === before.workflows &&
        statesChanged.length === 0,
      detail: `${accepted.length} accepted writes${accepted.length ? ` (${accepted.slice(0, 3).join('; ')})` : ''}; tables changed: ${changed.map((t) => `${t} ${before.counts[t]}->${after.counts[t]}`).join(', ') || 'none'}; workflows ${before.workflows}->${after.workflows}; case states changed ${statesChanged.length}`,
    },
  ];
  return {
    checks,
    figures: {
      requests: stats.requests,
      seconds,
      requestsPerSecond: Math.round(stats.requests / seconds),
      byStatus: stats.byStatus,
    },
  };
}

/** The rows a case caused, for comparing a clean run with a noisy one. */
async function effects(stack: ChaosStack, no: string) {
  const p = stack.prisma;
  const [events, notices, ledger, payouts, evaluations] = await Promise.all([
    p.applicationStageEvent.findMany({
      where: { applicationNo: no },
      select: { stage: true },
      orderBy: { seq: 'asc' },
    }),
    p.notification.findMany({ where: { applicationNo: no }, select: { obligationKey: true, recipient: true } }),
    p.rotationLedger.count({ where: { applicationNo: no } }),
    p.payoutLine.count({ where: { applicationNo: no } }),
    p.evaluation.count({ where: { applicationNo: no } }),
  ]);
  return {
    stageEvents: events.map((e) => e.stage).join('>'),
    // Which institution and ledger seq differ between two cases; what kinds of notice went to whom may not.
    notices: notices
      .map((n) => `${n.obligationKey.replace(/\d+/g, 'n')}@${n.recipient.replace(/:.*/, '')}`)
      .sort()
      .join(','),
    ledger,
    payouts,
    evaluations,
  };
}

/**
 * A case with every step sent three times at once under one key and again under a new key, and each later step
 * sent too early first; it must end with exactly the effects of a clean case.
 */
export async function duplicatesAndDisorder(stack: ChaosStack, tokens: Tokens): Promise<Check[]> {
  const stats = newStats();
  const deadline = Date.now() + 10 * 60_000;
  const clean = await runCase(stack, tokens, stats, `clean-${Date.now()}`, 0, deadline);
  if (!clean.ok) return [{ name: 'clean reference case', ok: false, detail: clean.error ?? '' }];
  const run = `noisy-${Date.now()}`;
  const base = stack.base;
  const early: string[] = [];
  const key = (s: string) => `${run}-${s}`;
  const ok2xx = (s: number) => s >= 200 && s < 300;
  const triple = async (path: string, token: string, body: unknown, step: string, again = true) => {
    const answers = await Promise.all(
      [0, 1, 2].map(() => persist(stats, base, 'POST', path, token, body, key(step), (s) => s < 500, deadline)),
    );
    if (!answers.some((a) => ok2xx(a.status))) throw new Error(`${step}: ${answers.map((a) => a.status).join(',')}`);
    // The same step again as a new request: refused, or answered without a second effect.
    if (again) await request(stats, base, 'POST', path, token, body, { 'Idempotency-Key': key(`${step}-again`) });
    return answers.find((a) => ok2xx(a.status))!.json as Record<string, unknown>;
  };
  /** A later step before its time: must be refused (4xx) and change nothing. */
  const tooEarly = async (path: string, token: string, body: unknown, step: string) => {
    const res = await request(stats, base, 'POST', path, token, body, { 'Idempotency-Key': key(`early-${step}`) });
    if (res.status < 400 || res.status >= 500) early.push(`${step}: ${res.status}`);
  };
  const state = async (path: string, ok: (v: Record<string, unknown>) => boolean) => {
    for (;;) {
      const res = await request(stats, base, 'GET', path, tokens.staff);
      if (res.status === 200 && ok(res.json as Record<string, unknown>)) return res.json as Record<string, unknown>;
      if (Date.now() > deadline) throw new Error(`${path}: condition not met`);
      await sleep(300);
    }
  };
  const intakeBody = VALID_BODIES[0];
  const intake = await triple('/applications', tokens.staff, intakeBody, 'intake', false);
  const no = intake.applicationNo as string;
  const at = `/applications/${no}`;
  const today = cstDateOf(new Date());
  await tooEarly(`${at}/evaluation/score`, tokens.evaluator, { points: { all: 80 }, comments: '' }, 'score');
  await tooEarly(`${at}/performance/engagement`, tokens.staff, { signedOn: today }, 'engagement');
  await tooEarly(`${at}/assignment/confirmation`, tokens.staff, { ledgerSeq: 1, memberId: 'c-a-m1' }, 'confirm');
  await state(`${at}/state`, (s) => s.stage === 'awaiting_materials');
  await triple(
    `${at}/materials`,
    tokens.staff,
    { items: ['economic_statement', 'matter_evidence'] },
    'materials',
    false,
  );
  await tooEarly(`${at}/performance/case-file/review`, tokens.qm['C-A']!, { approved: true, comments: '' }, 'review');
  await triple(`${at}/decision`, tokens.head, { decision: 'grant' }, 'decision');
  const picked = await state(
    `${at}/state`,
    (s) => (s.assignment as { status?: string } | undefined)?.status === 'awaiting_institution',
  );
  const slot = (
    picked.assignment as { slots: Array<{ ledgerSeq: number; proposedMemberId: string; institutionId: string }> }
  ).slots[0]!;
  await tooEarly(
    `${at}/performance/case-file`,
    tokens.staff,
    { documents: ['x'], report: 'x', matterEndedOn: today },
    'file',
  );
  await triple(
    `${at}/assignment/confirmation`,
    tokens.staff,
    { ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId },
    'confirm',
  );
  await state(`${at}/state`, (s) => s.stage === 'assigned' && s.performance !== undefined);
  await triple(`${at}/performance/engagement`, tokens.staff, { signedOn: today }, 'engagement');
  await tooEarly(
    `${at}/evaluation/evaluator`,
    tokens.staff,
    { evaluatorId: 'chaos-evaluator', kind: 'peer' },
    'evaluator',
  );
  await triple(
    `${at}/performance/case-file`,
    tokens.staff,
    { documents: ['民事调解书'], report: '调解结案', matterEndedOn: today },
    'file',
  );
  await triple(
    `${at}/performance/case-file/review`,
    tokens.qm[slot.institutionId]!,
    { approved: true, comments: '' },
    'review',
  );
  await state(`${at}/evaluation`, (e) => e.status === 'waiting_evaluator');
  await tooEarly(`${at}/evaluation/score`, tokens.evaluator, { points: { all: 80 }, comments: '' }, 'score-2');
  // Not again under a new key: naming an evaluator again is a re-assignment by design (S-4.4), which notifies them.
  await triple(
    `${at}/evaluation/evaluator`,
    tokens.staff,
    { evaluatorId: 'chaos-evaluator', kind: 'peer' },
    'evaluator',
    false,
  );
  await triple(`${at}/evaluation/score`, tokens.evaluator, { points: { all: 80 }, comments: '' }, 'score');
  await state(at, (r) => r.stage === 'closed');
  // After the end: the decision again is answered or refused as closed, never a second effect.
  await request(
    stats,
    base,
    'POST',
    `${at}/decision`,
    tokens.head,
    { decision: 'grant' },
    { 'Idempotency-Key': key('decision') },
  );
  await sleep(1_000);
  const a = await effects(stack, clean.applicationNo!);
  const b = await effects(stack, no);
  const same = JSON.stringify(a) === JSON.stringify(b);
  return [
    {
      name: 'duplicate updates (3x same key, again with a new key) have no duplicate effects',
      ok: same && stats.bad.length === 0,
      detail: same
        ? `noisy case = clean case: ${a.stageEvents.split('>').length} stage events, ${a.notices.split(',').length} notices, ${a.ledger} ledger rows, ${a.payouts} payout line; ${stats.requests} requests, ${stats.bad.length} bad answers`
        : `clean ${JSON.stringify(a)} vs noisy ${JSON.stringify(b)}`,
    },
    {
      name: 'out-of-order updates are refused with a 4xx and change nothing',
      ok: early.length === 0,
      detail: early.length ? early.join('; ') : '8 early steps refused',
    },
  ];
}
